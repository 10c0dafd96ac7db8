include(CMakePackageConfigHelpers)
install(DIRECTORY core/include/glassbox DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY explain/include/glassbox DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT glassboxTargets NAMESPACE glassbox:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/glassbox)
configure_package_config_file(cmake/glassboxConfig.cmake.in
  ${CMAKE_BINARY_DIR}/glassboxConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/glassbox)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/glassboxConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/glassboxConfig.cmake ${CMAKE_BINARY_DIR}/glassboxConfigVersion.cmake
  cmake/GlassboxAddPlugin.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/glassbox)
