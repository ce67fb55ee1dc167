# CMake toolchain file for sockbridge guests (wasm32-wasi):
#
#   cmake -S myprog -B build-wasm -DCMAKE_TOOLCHAIN_FILE=<sdk>/cmake/wasm32-wasi.cmake
#
# <sdk> is the installed guest SDK (./scripts/build puts one in build/sdk; see
# guest/README.md). The compilers are the SDK's wrappers (bin/sockbridge-cc,
# bin/sockbridge-c++): wasi-libc and the SDK's headers only, and every
# executable links the libc layer and gets NAME.asyncify.wasm beside
# NAME.wasm. find_package/find_library look in the SDK, where the ports
# (zlib, mbedTLS, curl) are installed, and never in the build machine's /usr.
#
# Needs: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32 binaryen
set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_VERSION 1)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")

get_filename_component(SOCKBRIDGE_SDK "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(CMAKE_C_COMPILER "${SOCKBRIDGE_SDK}/bin/sockbridge-cc")
set(CMAKE_CXX_COMPILER "${SOCKBRIDGE_SDK}/bin/sockbridge-c++")
set(CMAKE_AR "${SOCKBRIDGE_SDK}/bin/sockbridge-ar" CACHE FILEPATH "")
set(CMAKE_RANLIB "${SOCKBRIDGE_SDK}/bin/sockbridge-ranlib" CACHE FILEPATH "")

# Feature checks (check_function_exists, check_symbol_exists, try_compile)
# link a program, as on any platform, so a function neither wasi-libc nor the
# SDK has is reported missing: compiled as a static library instead, every
# check_function_exists succeeds (libevent then calls getifaddrs, c-ares
# __system_property_get). The SDK's own build compiles its checks as a
# library: it has no installed libc layer to link them with yet.
if(CMAKE_C_FLAGS MATCHES "--sockbridge-sdk-build")
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
endif()

set(CMAKE_FIND_ROOT_PATH "${SOCKBRIDGE_SDK}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
