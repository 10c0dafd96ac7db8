#pragma once
// The file names of a signature study's per-layer arrays and plots (signatures/arrays/,
// signatures/plots/), shared by signatures.json and the writer of the files it names.
#include <cctype>
#include <cstddef>
#include <string>

namespace glassbox::explain {

// "03_conv2d_1": the layer's position (two digits at least) and a file-name-safe name.
inline std::string stem(std::size_t position, const std::string& name) {
  std::string s = (position < 10 ? "0" : "") + std::to_string(position) + "_";
  for (char c : name) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return s;
}

}  // namespace glassbox::explain
