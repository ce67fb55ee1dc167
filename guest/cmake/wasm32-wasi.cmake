# CMake toolchain file: build C programs for wasm32-wasi against Debian's
# wasi-libc, with the sockbridge guest headers on the include path.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=<sockbridge>/guest/cmake/wasm32-wasi.cmake ...
#
# For a program's own CMake project (not this repository's guest build, which
# links its sockbridge_libc target), add
#   -DSOCKBRIDGE_LIBC=<sockbridge>/build/guest/guest/libsockbridge_libc.a
# and every executable links the libc layer and wasi-libc's signal/clock/getpid
# emulations, and gets NAME.asyncify.wasm beside NAME.wasm, as with sockbridge-cc.
#
# Needs: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32
set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_VERSION 1)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")

set(SOCKBRIDGE_WASI_SYSROOT "/usr" CACHE PATH "Root holding include/wasm32-wasi and lib/wasm32-wasi")
set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
set(CMAKE_SYSROOT "${SOCKBRIDGE_WASI_SYSROOT}")
find_program(CMAKE_AR NAMES llvm-ar llvm-ar-14 REQUIRED)
find_program(CMAKE_RANLIB NAMES llvm-ranlib llvm-ranlib-14 REQUIRED)

# Compiler checks cannot run wasm binaries; compile a library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# The import ABI header, for programs written against posix_sockets.h.
include_directories(SYSTEM "${CMAKE_CURRENT_LIST_DIR}/../include")

set(SOCKBRIDGE_LIBC "" CACHE FILEPATH "libsockbridge_libc.a to link into every executable (see above)")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SOCKBRIDGE_LIBC)
if(SOCKBRIDGE_LIBC)
  add_compile_definitions(_WASI_EMULATED_SIGNAL _WASI_EMULATED_PROCESS_CLOCKS _WASI_EMULATED_GETPID)
  set(CMAKE_C_STANDARD_LIBRARIES
      "${SOCKBRIDGE_LIBC} -lwasi-emulated-signal -lwasi-emulated-process-clocks -lwasi-emulated-getpid")
  set(CMAKE_C_LINK_EXECUTABLE
      "<CMAKE_C_COMPILER> <FLAGS> <CMAKE_C_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>"
      "${CMAKE_CURRENT_LIST_DIR}/../bin/sockbridge-asyncify <TARGET>")
endif()
