# Platform description for CMAKE_SYSTEM_NAME=WASI (CMake 3.25 ships none).
set(CMAKE_EXECUTABLE_SUFFIX ".wasm")
set(CMAKE_STATIC_LIBRARY_PREFIX "lib")
set(CMAKE_STATIC_LIBRARY_SUFFIX ".a")
set(CMAKE_FIND_LIBRARY_PREFIXES "lib")
set(CMAKE_FIND_LIBRARY_SUFFIXES ".a")
set(UNIX 1)
# wasm32-wasi has no shared libraries: add_library(NAME SHARED …) builds a static
# one instead (with CMake's warning), as Emscripten's platform file does, so a
# project that only builds its library SHARED still links into its programs.
set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS FALSE)
