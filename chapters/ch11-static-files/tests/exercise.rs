//! The exercise's checks (`tests/checks`) against this chapter's own code:
//! the book's solution passes what the reader's starter must
//! (`cargo test -p ex11-static-files`).
use ch11_static_files as subject;
mod checks;
