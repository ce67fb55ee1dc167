// read_gate: the session reads on while nothing pauses it; a read held back by
// pauses starts again only when the last pause ends, and only if one was held.
#include "read_gate.hpp"

#include <gtest/gtest.h>

namespace sb::relay {
namespace {

TEST(read_gate, without_a_pause_reading_goes_on) {
  read_gate gate;
  EXPECT_FALSE(gate.hold());
  EXPECT_FALSE(gate.resume());  // a stray resume starts no second read
  EXPECT_FALSE(gate.hold());
}

TEST(read_gate, a_held_read_starts_when_the_last_of_several_pauses_ends) {
  read_gate gate;
  gate.pause();
  gate.pause();
  EXPECT_TRUE(gate.hold());
  EXPECT_FALSE(gate.resume());
  EXPECT_TRUE(gate.resume());
  EXPECT_FALSE(gate.resume());  // that read is under way: nothing more to start
  EXPECT_FALSE(gate.hold());
}

TEST(read_gate, a_pause_that_ends_before_any_read_was_held_starts_nothing) {
  read_gate gate;
  gate.pause();
  EXPECT_FALSE(gate.resume());
  EXPECT_FALSE(gate.hold());
}

}  // namespace
}  // namespace sb::relay
