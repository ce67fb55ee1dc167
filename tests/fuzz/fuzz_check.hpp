// fuzz_check: the one way a fuzz target reports a broken property. Sanitizers
// catch memory and UB errors; this catches wrong answers (a failed round trip,
// an unnamed errno), printing what broke before aborting so libFuzzer saves
// the input as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace sb::fuzz {

inline void check(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", property);
  std::abort();
}

}  // namespace sb::fuzz
