// file_tree: the guest's read-only file system, an in-memory tree of files
// and directories that the embedder fills before the guest starts, plus the
// character devices every Unix program may expect (add_devices).
//
// Ownership: the tree owns every node; a node lives as long as the tree
// (nodes are never removed, and adding a file that exists replaces its bytes
// in place), so open file descriptions may keep `const node*` pointers.
// The tree never sees guest memory: paths arrive as host strings, already
// copied out of the guest by the caller.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sb::host {

// Longest path a guest may pass to a file call (PATH_MAX); longer is ENAMETOOLONG.
inline constexpr std::size_t max_path_bytes = 4096;

class file_tree {
 public:
  enum class node_kind { directory, file, character_device };

  // What a character device's reads return (wasi_preview1::read_device):
  // null is always at end of file, random gives fresh random bytes.
  enum class device { null, random };

  struct node {
    node_kind kind = node_kind::directory;
    std::uint64_t inode = 0;                                             // unique in the tree; the root is 1
    const node* parent = nullptr;                                        // the root is its own parent
    std::vector<std::uint8_t> bytes;                                     // a file's contents
    device device_kind = device::null;                                   // a character device's behaviour
    std::map<std::string, std::unique_ptr<node>, std::less<>> children;  // a directory's entries, by name
  };

  file_tree();

  // Adds a file at an absolute path ("/etc/app.conf"), creating the
  // directories on the way; a file already there gets the new bytes, and a
  // device there becomes this file (the embedder's file wins).
  // Returns 0, or a WASI errno: EINVAL (not absolute, an empty, "." or ".."
  // component, or a NUL byte), ENAMETOOLONG, ENOTDIR (a file on the way),
  // EISDIR (the path names a directory).
  std::int32_t add_file(std::string_view path, std::vector<std::uint8_t> bytes);

  // Adds /dev/null (device::null), /dev/random and /dev/urandom (both
  // device::random), creating /dev, except where a path is already taken (a
  // file the embedder gave stays; a file at /dev leaves no room for any).
  void add_devices();

  // True until the first file is added.
  bool empty() const { return root_->children.empty(); }
  const node& root() const { return *root_; }

  // Resolves a relative path from dir: "." stays, ".." goes up but never
  // above the root. Trailing slashes require a directory. Returns 0 and sets
  // out, or a WASI errno: ENOENT (missing, or empty path), ENOTDIR (a file
  // used as a directory), ENAMETOOLONG, ENOTCAPABLE (an absolute path: WASI
  // paths are relative to a directory fd).
  std::int32_t resolve(const node& dir, std::string_view path, const node*& out) const;

 private:
  // Finds or creates the node at an absolute path (checked by add_file),
  // creating missing directories and, at the end, a node of kind `kind`;
  // created says whether that last node is new. ENOTDIR: a non-directory on the way.
  std::int32_t find_or_create(std::string_view path, node_kind kind, node*& out, bool& created);

  std::unique_ptr<node> root_;
  std::uint64_t next_inode_ = 2;
};

}  // namespace sb::host
