//! Chinese search: names are cut into words with jieba (so that a two-character word such as
//! 华为 matches, which trigram indexes miss) and the words are indexed by SQLite FTS5 or a
//! PostgreSQL `tsvector('simple')` GIN index.

use crate::sql::{IN_CHUNK, in_list};
use crate::{Sql, Tx};
use jieba_rs::Jieba;
use std::collections::HashMap;
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

/// Writes (or rewrites) the search documents of enterprises: `(enterprise, tokens)` pairs.
/// A new document takes the next numbers of the `search_doc` counter, reserved as one block.
pub async fn upsert_many(tx: &mut Tx, docs: &[(Uuid, String)]) -> Result<(), Error> {
    for chunk in docs.chunks(IN_CHUNK) {
        let ids: Vec<Uuid> = chunk.iter().map(|d| d.0).collect();
        let mut q = Sql::new("SELECT enterprise_id, doc_no FROM enterprise_search WHERE enterprise_id IN ");
        in_list(&mut q, &ids);
        let existing: HashMap<Uuid, i64> = tx.all::<(Uuid, i64)>(&q).await?.into_iter().collect();
        if !existing.is_empty() {
            let old: Vec<i64> = existing.values().copied().collect();
            let mut d = Sql::new("DELETE FROM enterprise_search WHERE doc_no IN ");
            in_list(&mut d, &old);
            tx.exec(&d).await?;
            if matches!(tx, Tx::Sqlite(_)) {
                let mut d = Sql::new("DELETE FROM enterprise_search_fts WHERE rowid IN ");
                in_list(&mut d, &old);
                tx.exec(&d).await?;
            }
        }
        let fresh = (chunk.len() - existing.len()) as i64;
        let mut next = if fresh > 0 {
            let (last,): (i64,) =
                tx.one(&Sql::new("UPDATE counter SET value = value + $1 WHERE name = 'search_doc' RETURNING value").bind(fresh)).await?;
            last - fresh + 1
        } else {
            0
        };
        let numbered: Vec<(Uuid, i64, &str)> = chunk
            .iter()
            .map(|(id, tokens)| {
                let no = existing.get(id).copied().unwrap_or_else(|| {
                    next += 1;
                    next - 1
                });
                (*id, no, tokens.as_str())
            })
            .collect();
        tx.insert_many("INSERT INTO enterprise_search (enterprise_id, doc_no, tokens)", &numbered, |d| {
            vec![d.0.into(), d.1.into(), d.2.into()]
        })
        .await?;
        if matches!(tx, Tx::Sqlite(_)) {
            tx.insert_many("INSERT INTO enterprise_search_fts (rowid, tokens)", &numbered, |d| vec![d.1.into(), d.2.into()]).await?;
        }
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
