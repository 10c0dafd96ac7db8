# Compiler flags shared by every glassbox target.
add_library(glassbox_flags INTERFACE)
target_compile_options(glassbox_flags INTERFACE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
# Math functions never report through errno here, so sqrt and friends can be vectorised.
target_compile_options(glassbox_flags INTERFACE -fno-math-errno)
if(GLASSBOX_NATIVE)
  target_compile_options(glassbox_flags INTERFACE -march=native)
endif()
if(GLASSBOX_SANITIZE)
  target_compile_options(glassbox_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(glassbox_flags INTERFACE -fsanitize=address,undefined)
endif()
# ThreadSanitizer: data races and lock-order problems in the compute pool, the layers on
# several threads, the server's job queue and event hub (scripts/test-tsan.sh).
if(GLASSBOX_TSAN)
  target_compile_options(glassbox_flags INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(glassbox_flags INTERFACE -fsanitize=thread)
endif()
# The fuzz build: coverage for libFuzzer in every glassbox target, with the same
# sanitizers (the harnesses add libFuzzer's main, fuzz/CMakeLists.txt).
if(GLASSBOX_FUZZ)
  target_compile_options(glassbox_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined
    -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(glassbox_flags INTERFACE -fsanitize=address,undefined)
endif()
