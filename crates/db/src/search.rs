//! Chinese search: names are cut into words with jieba (so that a two-character word such as
//! 华为 matches, which trigram indexes miss) and the words are indexed by SQLite FTS5 or a
//! PostgreSQL `tsvector('simple')` GIN index.

use crate::{Sql, Tx};
use jieba_rs::Jieba;
use std::sync::LazyLock;
use uuid::Uuid;
use zt_domain::Error;

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

fn keep(w: &str) -> bool {
    w.chars().any(|c| c.is_alphanumeric())
}

/// The words of `text` for the index: jieba's search-mode cut (words and their sub-words),
/// lower-cased.
pub fn index_tokens(texts: &[&str]) -> String {
    let mut out: Vec<String> = Vec::new();
    for t in texts {
        for tok in JIEBA.cut_for_search(t, true) {
            let w = tok.word.trim().to_lowercase();
            if keep(&w) {
                out.push(w);
            }
        }
    }
    out.sort();
    out.dedup();
    out.join(" ")
}

/// The words a query must all match (jieba's precise cut).
pub fn query_words(q: &str) -> Vec<String> {
    let mut words: Vec<String> = JIEBA.cut(q, true).into_iter().map(|t| t.word.trim().to_lowercase()).filter(|w| keep(w)).collect();
    words.dedup();
    words
}

/// Writes (or rewrites) the search document of one enterprise.
pub async fn upsert(tx: &mut Tx, enterprise: Uuid, tokens: &str) -> Result<(), Error> {
    let existing: Option<(i64,)> =
        tx.opt(&Sql::new("SELECT doc_no FROM enterprise_search WHERE enterprise_id = $1").bind(enterprise)).await?;
    let doc_no = match existing {
        Some((d,)) => {
            tx.exec(&Sql::new("UPDATE enterprise_search SET tokens = $1 WHERE enterprise_id = $2").bind(tokens).bind(enterprise)).await?;
            d
        }
        None => {
            let (d,): (i64,) = tx.one(&Sql::new("UPDATE counter SET value = value + 1 WHERE name = 'search_doc' RETURNING value")).await?;
            tx.exec(
                &Sql::new("INSERT INTO enterprise_search (enterprise_id, doc_no, tokens) VALUES ($1, $2, $3)")
                    .bind(enterprise)
                    .bind(d)
                    .bind(tokens),
            )
            .await?;
            d
        }
    };
    if matches!(tx, Tx::Sqlite(_)) {
        tx.exec(&Sql::new("DELETE FROM enterprise_search_fts WHERE rowid = $1").bind(doc_no)).await?;
        tx.exec(&Sql::new("INSERT INTO enterprise_search_fts (rowid, tokens) VALUES ($1, $2)").bind(doc_no).bind(tokens)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_character_words_are_tokens() {
        let t = index_tokens(&["华为技术有限公司"]);
        assert!(t.split(' ').any(|w| w == "华为"), "{t}");
        assert_eq!(query_words("华为"), vec!["华为"]);
        let t = index_tokens(&["上海张江生物医药科技有限公司"]);
        for w in ["张江", "生物", "医药", "科技"] {
            assert!(t.split(' ').any(|x| x == w), "{w} not in {t}");
        }
    }
}
