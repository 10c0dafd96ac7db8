# glassbox_add_plugin(NAME SOURCES...)
# Builds one plugin shared library that links to glassbox::core and lands in the
# folder the driver searches. Works in this tree and, through glassboxConfig.cmake,
# in a plugin writer's own project.
function(glassbox_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  if(TARGET glassbox_core)
    target_link_libraries(${name} PRIVATE glassbox_core glassbox_flags)
  else()
    target_link_libraries(${name} PRIVATE glassbox::core)
  endif()
  set_target_properties(${name} PROPERTIES PREFIX "lib" CXX_VISIBILITY_PRESET hidden)
  if(DEFINED GLASSBOX_BUILD_PLUGIN_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${GLASSBOX_BUILD_PLUGIN_DIR}")
    install(TARGETS ${name} LIBRARY DESTINATION "${GLASSBOX_PLUGIN_INSTALL_DIR}")
  endif()
endfunction()
