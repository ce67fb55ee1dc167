/* Internal to the libc layer: reading the guest's /etc files (hosts,
 * services), which exist only when the embedder supplies them (run({ files }),
 * the CLI's --file/--dir). */
#ifndef SOCKBRIDGE_LIBC_CONFIG_FILE_H
#define SOCKBRIDGE_LIBC_CONFIG_FILE_H

/* Longest line read whole; the rest of a longer line is ignored. */
enum { sb_config_line_bytes = 1024, sb_config_max_tokens = 64 };

/* Called with the whitespace-separated words of one line, comments ('#' to
 * the end of the line) removed; never with zero words. A nonzero return stops
 * the walk. The words live until the callback returns. */
typedef int (*sb_config_visit)(char** words, int count, void* context);

/* Walks the lines of path. Returns the first nonzero value visit returned,
 * 0 if every line was visited, or -1 if path cannot be opened (the guest has
 * no such file). errno is left as it was. */
int sb_each_config_line(const char* path, sb_config_visit visit, void* context);

#endif
