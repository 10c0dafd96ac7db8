// Datasets by name (load_data: the registry's sources with an experiment's data section)
// and from NumPy arrays.
#include <algorithm>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "glassbox/error.h"
#include "glassbox/experiment_data.h"
#include "json_convert.h"
#include "labeled_input.h"
#include "numpy_convert.h"
#include "process_registry.h"

namespace py = pybind11;
using nlohmann::json;

namespace glassbox::python {

LabeledData labeled_from_numpy(py::handle x, py::handle y, std::size_t classes, const std::string& name) {
  Shape sample;
  std::size_t count = 0;
  std::vector<float> pixels = samples_from_numpy(x, name + " x", &sample, &count);
  std::vector<int> labels = labels_from_numpy(y, count, classes, name + " y");
  std::size_t k = classes;
  if (k == 0)
    for (int l : labels) k = std::max(k, static_cast<std::size_t>(l) + 1);
  std::vector<std::string> names;
  for (std::size_t c = 0; c < k; ++c) names.push_back(std::to_string(c));
  LabeledData d(sample, std::move(pixels), std::move(labels), names);
  d.set_source_class_names(names);
  return d;
}

const LabeledData& labeled_argument(py::handle x, py::handle y, std::size_t classes, const std::string& name,
                                    std::unique_ptr<LabeledData>* held) {
  if (py::isinstance<LabeledData>(x)) {
    if (!y.is_none()) throw py::value_error(name + ": give labels y only with an array x, not with a LabeledData");
    return x.cast<const LabeledData&>();
  }
  if (y.is_none()) throw py::value_error(name + ": an array x needs its labels y (or pass a LabeledData)");
  *held = std::make_unique<LabeledData>(labeled_from_numpy(x, y, classes, name));
  return **held;
}

namespace {

py::array_t<float> all_samples(const LabeledData& d) {
  if (d.size() == 0) {
    std::vector<py::ssize_t> shape = {0};
    for (auto s : d.sample_shape()) shape.push_back(static_cast<py::ssize_t>(s));
    return py::array_t<float>(shape);
  }
  Tensor t;
  {
    py::gil_scoped_release release;
    t = d.batch_range(0, d.size());
  }
  return to_numpy(std::move(t));
}

py::array_t<float> some_samples(const LabeledData& d, const std::vector<std::size_t>& idx) {
  for (std::size_t i : idx)
    if (i >= d.size())
      throw py::index_error("sample " + std::to_string(i) + " is out of range (the data has " + std::to_string(d.size()) +
                            " samples)");
  if (idx.empty()) throw py::value_error("no sample indices given");
  return to_numpy(d.batch(idx));
}

void bind_labeled_data(py::module_& m) {
  py::class_<LabeledData>(m, "LabeledData",
                          "Labelled samples: stored as the source keeps them (bytes for images), made float32 on access.")
      .def(py::init([](py::handle x, py::handle y, std::size_t classes) { return labeled_from_numpy(x, y, classes, "LabeledData"); }),
           py::arg("x"), py::arg("y"), py::arg("classes") = 0,
           "From arrays: x float32 (N, ...), y integer (N,); `classes` 0 means max(y) + 1.")
      .def("__len__", &LabeledData::size)
      .def_property_readonly("sample_shape", [](const LabeledData& d) { return py::tuple(py::cast(d.sample_shape())); })
      .def_property_readonly("class_names", &LabeledData::class_names)
      .def_property_readonly("num_classes", &LabeledData::num_classes)
      .def_property_readonly("x", &all_samples, "Every sample, float32 (N, ...), normalized as training sees it (a new array).")
      .def_property_readonly("y", [](const LabeledData& d) { return to_numpy(d.labels()); }, "Labels 0..k-1 (int64).")
      .def_property_readonly("original_labels", [](const LabeledData& d) { return to_numpy(d.original_labels()); },
                             "Labels in the source dataset's numbering (differ from y after a class subset).")
      .def("samples", &some_samples, py::arg("indices"), "The samples at `indices`, float32 (len(indices), ...).")
      .def("select", [](const LabeledData& d, const std::vector<std::size_t>& idx) {
             for (std::size_t i : idx)
               if (i >= d.size()) throw py::index_error("sample " + std::to_string(i) + " is out of range (" + std::to_string(d.size()) + " samples)");
             return d.select(idx);
           }, py::arg("indices"), "The samples at `indices`, in that order, as a new LabeledData.")
      .def("subset_classes", &LabeledData::subset_classes, py::arg("classes"),
           "Only the given classes (source numbering), renumbered 0..k-1 in the order given.")
      .def("__repr__", [](const LabeledData& d) {
        return "<glassbox.LabeledData " + std::to_string(d.size()) + " samples of shape " + shape_to_string(d.sample_shape()) +
               ", " + std::to_string(d.num_classes()) + " classes>";
      });
}

void bind_experiment_data(py::module_& m) {
  py::class_<ExperimentData>(m, "Data", "A dataset's views, as an experiment's data section makes them.")
      .def_readonly("dataset", &ExperimentData::dataset)
      .def_readonly("train", &ExperimentData::train)
      .def_readonly("validation", &ExperimentData::validation, "Empty unless validation_split was given.")
      .def_readonly("test", &ExperimentData::test)
      .def_readonly("unseen", &ExperimentData::unseen, "Test samples of the classes not chosen (unseen_classes).")
      .def_readonly("classes", &ExperimentData::classes)
      .def_readonly("unseen_classes", &ExperimentData::unseen_classes)
      .def_readonly("source_class_names", &ExperimentData::source_class_names)
      .def("describe", [](const ExperimentData& d) { return from_json(d.describe()); })
      .def("__repr__", [](const ExperimentData& d) {
        return "<glassbox.Data " + d.dataset + ": " + std::to_string(d.train.size()) + " train, " +
               std::to_string(d.validation.size()) + " validation, " + std::to_string(d.test.size()) + " test, " +
               std::to_string(d.unseen.size()) + " unseen>";
      });
}

}  // namespace

void bind_data(py::module_& m) {
  bind_labeled_data(m);
  bind_experiment_data(m);
  m.def("load_data", [](const std::string& dataset, const py::kwargs& options) {
        json section = to_json(options, "load_data");
        section["dataset"] = dataset;
        Registry& registry = process_registry();
        py::gil_scoped_release release;
        return load_experiment_data(section, registry, "load_data");
      }, py::arg("dataset"),
      "A dataset by name with the keys of an experiment's data section: classes, unseen_classes, "
      "validation_split, seed, limit, test_limit, normalize, shuffle and the source's own options "
      "(see docs/datasets.md). Errors name the key.");
  m.def("datasets", []() {
        Registry& registry = process_registry();
        py::dict out;
        for (const auto& info : registry.datasets.list()) {
          DatasetInfo d;
          try {
            d = registry.datasets.create(info.name, json::object())->describe(json::object());
          } catch (const Error& e) {  // a damaged file is reported, the others still listed
            d.available = false;
            d.install_hint = e.what();
          }
          d.description = info.description;
          py::dict e;
          e["description"] = d.description;
          e["sample_shape"] = py::tuple(py::cast(d.sample_shape));
          e["train_size"] = d.train_size;
          e["test_size"] = d.test_size;
          e["class_names"] = d.class_names;
          e["available"] = d.available;
          e["install_hint"] = d.install_hint;
          e["location"] = d.location;
          out[py::str(info.name)] = e;
        }
        return out;
      }, "Every dataset with its shape, sizes, classes and whether its files are there (as `glassbox datasets`).");
}

}  // namespace glassbox::python
