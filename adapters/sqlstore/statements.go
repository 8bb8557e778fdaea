package sqlstore

import (
	"regexp"
	"time"
)

// The repository's statements, written once in PostgreSQL's syntax with
// numbered parameters. Values travel as parameters, not inside the SQL text
// as Bun's query builder would put them, so each statement is one constant
// string: pgx prepares it once per connection and PostgreSQL skips parsing
// and planning on every later call, which BenchmarkDriver shows nearly
// doubles throughput. The casts type each parameter whatever pgx's
// default_query_exec_mode, so the modes a transaction pooler needs (exec,
// simple_protocol) run the very same text. For SQLite, which binds $N by
// number too, the casts are dropped (sqliteText).
const (
	taskColumns = "id, user_id, title, description, completed, created_at, updated_at"

	getSQL = "SELECT " + taskColumns + " FROM tasks WHERE id = $1::uuid AND user_id = $2::text"

	// The index (user_id, created_at DESC, id DESC) serves this in order.
	listSQL = "SELECT " + taskColumns + " FROM tasks WHERE user_id = $1::text ORDER BY created_at DESC, id DESC"

	// ON CONFLICT DO NOTHING turns a taken id into "no row inserted" the
	// same way on both dialects, without decoding driver-specific
	// unique-violation errors.
	insertSQL = "INSERT INTO tasks (" + taskColumns + ") VALUES " +
		"($1::uuid, $2::text, $3::text, $4::text, $5::boolean, $6::timestamptz, $7::timestamptz) " +
		"ON CONFLICT (id) DO NOTHING"

	// swapSQL writes $3-$6 only while the row still holds $7-$10: the
	// compare-and-swap of Update.
	swapSQL = "UPDATE tasks SET title = $3::text, description = $4::text, completed = $5::boolean, " +
		"updated_at = $6::timestamptz WHERE id = $1::uuid AND user_id = $2::text AND title = $7::text " +
		"AND description IS NOT DISTINCT FROM $8::text AND completed = $9::boolean AND updated_at = $10::timestamptz"

	deleteSQL = "DELETE FROM tasks WHERE id = $1::uuid AND user_id = $2::text"
)

type statements struct {
	get, list, insert, swap, delete string
	// timeArg turns a time into the parameter the dialect stores.
	timeArg func(time.Time) any
}

var postgresStatements = statements{
	get: getSQL, list: listSQL, insert: insertSQL, swap: swapSQL, delete: deleteSQL,
	// A time.Time goes as a binary timestamptz; PostgreSQL keeps microseconds.
	timeArg: func(t time.Time) any { return t.UTC() },
}

var sqliteStatements = statements{
	get: sqliteText(getSQL), list: sqliteText(listSQL), insert: sqliteText(insertSQL),
	swap: sqliteText(swapSQL), delete: sqliteText(deleteSQL),
	timeArg: func(t time.Time) any { return t.UTC().Format(timestampLayout) },
}

var casts = regexp.MustCompile(`::[a-z]+`)

func sqliteText(pg string) string { return casts.ReplaceAllString(pg, "") }

func statementsFor(d Dialect) statements {
	if d == SQLite {
		return sqliteStatements
	}
	return postgresStatements
}

// Statements is the SQL the repository issues on a dialect, in that
// dialect's text. It is exported for tools that measure the database
// beneath the repository (cmd/todo-bench), so they issue exactly this.
type Statements struct {
	Get, List, Insert, Swap, Delete string
}

// StatementsFor returns the repository's statements for the dialect.
func StatementsFor(d Dialect) Statements {
	s := statementsFor(d)
	return Statements{Get: s.get, List: s.list, Insert: s.insert, Swap: s.swap, Delete: s.delete}
}

// SQLiteParams returns the connection settings the store gives every SQLite
// connection, as a DSN query string.
func SQLiteParams() string { return sqliteDefaults.Encode() }

// TaskColumns lists the tasks table's columns in the order the statements
// use them.
const TaskColumns = taskColumns
