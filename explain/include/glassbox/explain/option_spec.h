#pragma once
// The rules' options are described like every other option set (glassbox/option_spec.h);
// these names keep explain's spelling of them.
#include "glassbox/option_spec.h"

namespace glassbox::explain {

using glassbox::kUnbounded;
using glassbox::option_names;
using glassbox::options_schema;
using glassbox::OptionSpec;
using glassbox::parse_options;

}  // namespace glassbox::explain
