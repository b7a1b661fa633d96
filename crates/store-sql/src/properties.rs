//! Dead properties of collections (`collection_properties`) and member resources
//! (`object_properties`). Both go with their owner by `ON DELETE CASCADE`.

use kairos_store::{CollectionId, DeadProperty, ObjectId, PropOwner, StoreResult};

use crate::conn::{Conn, query};
use crate::direct::Arg;
use crate::pool::Pools;
use crate::row::{Row, RowRead, get, get_id, id_text};

/// The statements for one owner kind (table names cannot be bound parameters).
struct Statements {
    select: &'static str,
    upsert: &'static str,
    delete: &'static str,
}

macro_rules! statements {
    ($table:literal, $owner:literal) => {
        Statements {
            select: concat!(
                "SELECT namespace, name, xml FROM ",
                $table,
                " WHERE ",
                $owner,
                " = $1 ORDER BY namespace, name"
            ),
            upsert: concat!(
                "INSERT INTO ",
                $table,
                " (",
                $owner,
                ", namespace, name, xml) VALUES ($1, $2, $3, $4) ON CONFLICT (",
                $owner,
                ", namespace, name) DO UPDATE SET xml = excluded.xml"
            ),
            delete: concat!(
                "DELETE FROM ",
                $table,
                " WHERE ",
                $owner,
                " = $1 AND namespace = $2 AND name = $3"
            ),
        }
    };
}

const COLLECTION: Statements = statements!("collection_properties", "collection_id");
const OBJECT: Statements = statements!("object_properties", "object_id");

/// The statements and the stored owner id for `owner`.
fn target(owner: PropOwner) -> (&'static Statements, String) {
    match owner {
        PropOwner::Collection(CollectionId(id)) => (&COLLECTION, id_text(id)),
        PropOwner::Object(ObjectId(id)) => (&OBJECT, id_text(id)),
    }
}

fn from_row(row: &impl RowRead) -> StoreResult<DeadProperty> {
    Ok(DeadProperty {
        namespace: get(row, "namespace")?,
        name: get(row, "name")?,
        xml: get(row, "xml")?,
    })
}

/// Byte order of (namespace, name), whatever the database collation.
fn sort(props: &mut [DeadProperty]) {
    props.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
}

/// The dead properties of one resource, ordered by (namespace, name).
pub(crate) async fn list(conn: &mut Conn<'_>, owner: PropOwner) -> StoreResult<Vec<DeadProperty>> {
    let (sql, id) = target(owner);
    let mut out = conn.all(sql.select, &[Arg::Text(id)], dead_row).await?;
    sort(&mut out);
    Ok(out)
}

/// [`list`] outside a transaction.
pub(crate) async fn read_list(pools: &Pools, owner: PropOwner) -> StoreResult<Vec<DeadProperty>> {
    let (sql, id) = target(owner);
    let mut out = pools.few(sql.select, &[Arg::Text(id)], dead_row).await?;
    sort(&mut out);
    Ok(out)
}

fn dead_row(row: &Row<'_>) -> StoreResult<DeadProperty> {
    from_row(row)
}

/// The dead properties of every member of a collection, in one query, ordered by
/// (object id, namespace, name).
pub(crate) async fn of_members(
    pools: &Pools,
    collection: CollectionId,
) -> StoreResult<Vec<(ObjectId, DeadProperty)>> {
    // Usually no rows at all; few enough to read on this thread.
    const SQL: &str = "SELECT p.object_id, p.namespace, p.name, p.xml FROM object_properties p \
               JOIN objects o ON o.id = p.object_id WHERE o.collection_id = $1 \
               ORDER BY p.object_id, p.namespace, p.name";
    let mut out = pools
        .few(SQL, &[Arg::Text(id_text(collection.0))], |row| {
            Ok((ObjectId(get_id(row, "object_id")?), from_row(row)?))
        })
        .await?;
    out.sort_by(|(a, pa), (b, pb)| (a, &pa.namespace, &pa.name).cmp(&(b, &pb.namespace, &pb.name)));
    Ok(out)
}

/// Sets (inserts or replaces) a dead property.
pub(crate) async fn set(
    conn: &mut Conn<'_>,
    owner: PropOwner,
    prop: &DeadProperty,
) -> StoreResult<()> {
    let (sql, id) = target(owner);
    query(sql.upsert)
        .bind(id)
        .bind(prop.namespace.as_str())
        .bind(prop.name.as_str())
        .bind(prop.xml.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a dead property; absent is fine.
pub(crate) async fn remove(
    conn: &mut Conn<'_>,
    owner: PropOwner,
    namespace: &str,
    name: &str,
) -> StoreResult<()> {
    let (sql, id) = target(owner);
    query(sql.delete)
        .bind(id)
        .bind(namespace)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}
