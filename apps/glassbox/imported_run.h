#pragma once
// An imported model as a run of the results folder the web page lists (`glassbox import
// FILE.onnx --run runs/NAME --data DATASET`): model/, config.json (an experiment file: the
// data section, the layers, "imported from FILE" as its description), metrics.json (the
// test evaluation and "imported_from"; no epochs, as there was no training here) and, when
// asked, the signature study (signatures.json, signatures/, signatures.txt). Written into
// "<dir>.tmp" and swapped in whole, as `glassbox run` does.
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "glassbox/model.h"
#include "glassbox/registry.h"

namespace glassbox::app {

struct ImportedRun {
  std::string source;       // the imported file, for config.json and messages
  std::string dir;          // the run folder to write
  nlohmann::json data;      // the data section ({"dataset": ..., "limit": ...})
  bool signatures = false;  // also run the signature study
};

// requires: `model` built; its output size is the data's class count.
// ensures: run.dir holds the complete run, or (on an error) is unchanged. ConfigError for a
// folder that exists and is not a results folder, or a class count that does not fit.
void write_imported_run(MyDeepLearning& model, const ImportedRun& run, const Registry& registry, std::ostream* log);

}  // namespace glassbox::app
