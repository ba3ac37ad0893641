#include <sqlite3.h>

/// SQLITE_TRANSIENT is a cast macro Swift cannot import: SQLite copies a value bound with it.
static inline sqlite3_destructor_type streamify_sqlite_transient(void) { return SQLITE_TRANSIENT; }
