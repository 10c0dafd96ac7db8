#include "json_convert.h"

#include <pybind11/numpy.h>

namespace py = pybind11;
using nlohmann::json;

namespace glassbox::python {

json to_json(py::handle obj, const std::string& where) {
  if (obj.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(obj)) return obj.cast<bool>();
  if (py::isinstance<py::int_>(obj)) return obj.cast<long long>();
  if (py::isinstance<py::float_>(obj)) return obj.cast<double>();
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  if (py::isinstance<py::dict>(obj)) {
    json out = json::object();
    for (auto item : obj.cast<py::dict>()) {
      if (!py::isinstance<py::str>(item.first))
        throw py::value_error(where + ": keys must be strings, got " + std::string(py::repr(item.first)));
      const std::string key = item.first.cast<std::string>();
      out[key] = to_json(item.second, where + "." + key);
    }
    return out;
  }
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    json out = json::array();
    std::size_t i = 0;
    for (auto item : obj) out.push_back(to_json(item, where + "." + std::to_string(i++)));
    return out;
  }
  // NumPy scalars (numpy.int64(3), numpy.float32(0.5)) and small arrays.
  if (py::hasattr(obj, "dtype") && py::hasattr(obj, "tolist")) return to_json(obj.attr("tolist")(), where);
  throw py::value_error(where + ": cannot pass a " + std::string(py::str(obj.get_type().attr("__name__"))) +
                        " (expected dict, list, str, int, float, bool or None)");
}

py::object from_json(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return py::none();
    case json::value_t::boolean: return py::bool_(j.get<bool>());
    case json::value_t::number_integer: return py::int_(j.get<long long>());
    case json::value_t::number_unsigned: return py::int_(j.get<unsigned long long>());
    case json::value_t::number_float: return py::float_(j.get<double>());
    case json::value_t::string: return py::str(j.get<std::string>());
    case json::value_t::array: {
      py::list out;
      for (const auto& v : j) out.append(from_json(v));
      return std::move(out);
    }
    case json::value_t::object: {
      py::dict out;
      for (auto it = j.begin(); it != j.end(); ++it) out[py::str(it.key())] = from_json(it.value());
      return std::move(out);
    }
    default: return py::none();
  }
}

}  // namespace glassbox::python
