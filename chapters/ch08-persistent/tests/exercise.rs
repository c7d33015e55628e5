//! The exercise's checks (`tests/checks`) against this chapter's own code:
//! the book's solution passes what the reader's starter must
//! (`cargo test -p ex08-persistent`).
use ch08_persistent as subject;
mod checks;
