use diesel::prelude::*;

use super::schema::procedures;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = procedures)]
pub struct Procedure {
    pub id: i32,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub field: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = procedures)]
pub struct NewProcedure<'a> {
    pub code: &'a str,
    pub name_vi: &'a str,
    pub name_en: &'a str,
    pub field: &'a str,
}

pub fn insert(conn: &mut DbConnection, procedure: &NewProcedure<'_>) -> QueryResult<i32> {
    diesel::insert_into(procedures::table)
        .values(procedure)
        .returning(procedures::id)
        .get_result(conn)
}

pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Procedure>> {
    procedures::table
        .select(Procedure::as_select())
        .order(procedures::code)
        .load(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    procedures::table.count().get_result(conn)
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Procedure> {
    procedures::table
        .find(id)
        .select(Procedure::as_select())
        .get_result(conn)
}

/// The procedure fields of the catalogue, sorted, each once.
pub fn fields(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    procedures::table
        .select(procedures::field)
        .distinct()
        .order(procedures::field)
        .load(conn)
}
