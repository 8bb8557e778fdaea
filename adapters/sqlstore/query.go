package sqlstore

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/schema"
)

// The repository's SQL is written once, here, for both databases. Values
// always travel as numbered parameters, never inside the text, so each
// statement is a constant string per shape: pgx prepares it once per
// connection and PostgreSQL skips parsing and planning on every later call
// (nearly twice the throughput of inlined values), and SQLite's statements
// are prepared once per connection (see stmt). Where a list becomes
// dynamic, Bun's query builder composes the text, with the parameters as
// placeholders (see listQuery).

// taskColumns are the columns every statement reads, in the order the rows
// are scanned (see pgRow and sqliteRow).
const taskColumns = "id, user_id, title, description, completed, created_at, updated_at, version, " +
	"priority, tags, due_at, due_is_date, remind_at, recurrence, completed_at, next_occurrence_id"

// sqlDialect is all the SQL text differs in between the databases.
type sqlDialect struct {
	// casts types each parameter ($1::uuid): PostgreSQL then needs no type
	// inference in any statement mode, including those a pooler needs.
	casts bool
	// lockRow ends the read of a row a transaction will change. SQLite's
	// transactions hold the database's write lock from BEGIN IMMEDIATE on.
	lockRow string
	// jsonArrays: tags and tag keys are JSON text (SQLite), not text[].
	jsonArrays bool
	// beforeAll and afterAll are literals that sort before and after every
	// instant the store keeps, standing in for "no due date" in the keys
	// that put tasks without one last (see dueKey).
	beforeAll, afterAll string
	// rowsOnExpressions: a row comparison whose first member is an
	// expression still searches an index on that expression.
	rowsOnExpressions bool
	// substring is the function that finds text in text: position or 0.
	substring string
	// noLimit is what LIMIT takes for "all": SQLite needs a LIMIT before an
	// OFFSET.
	noLimit string
	// advisoryLocks: transactions run side by side and claim idempotency
	// keys with a lock (see keys.go); SQLite runs one writer at a time.
	advisoryLocks bool
	bun           schema.Dialect
}

var (
	postgresSQL = sqlDialect{
		casts: true, lockRow: " FOR UPDATE", rowsOnExpressions: true, advisoryLocks: true,
		beforeAll: "'-infinity'::timestamptz", afterAll: "'infinity'::timestamptz",
		substring: "strpos", bun: pgdialect.New(),
	}
	// SQLite's instants are fixed-width text (see timestampLayout): year 0
	// comes before year 1, hour 24 of the last day after its last
	// microsecond.
	sqliteSQL = sqlDialect{
		jsonArrays: true,
		beforeAll:  "'0000-01-01T00:00:00.000000Z'", afterAll: "'9999-12-31T24:00:00.000000Z'",
		substring: "instr", noLimit: "-1", bun: sqlitedialect.New(),
	}
)

// params numbers the parameters of one statement as they are added.
type params struct {
	d    sqlDialect
	args []any
}

// add appends a parameter and returns its placeholder, cast to typ on
// PostgreSQL.
func (p *params) add(v any, typ string) string {
	p.args = append(p.args, v)
	ph := "$" + strconv.Itoa(len(p.args))
	if p.d.casts {
		ph += "::" + typ
	}
	return ph
}

// list adds one parameter for each type and returns their placeholders,
// comma-separated.
func (p *params) list(types ...string) string {
	phs := make([]string, len(types))
	for i, typ := range types {
		phs[i] = p.add(nil, typ)
	}
	return strings.Join(phs, ", ")
}

// arrayArg returns a list of strings as the parameter of an array column:
// text[] on PostgreSQL, a JSON array on SQLite; an empty array, never
// NULL, when there are none.
func (d sqlDialect) arrayArg(s []string) any {
	if s == nil {
		s = []string{}
	}
	if !d.jsonArrays {
		return s
	}
	b, _ := json.Marshal(s) // a []string always marshals
	return string(b)
}

// fixed builds the text of a statement whose shape never changes.
func (d sqlDialect) fixed(build func(p *params) string) string {
	return build(&params{d: d})
}

// statements are the repository's constant statements in one dialect.
type statements struct {
	get, getForUpdate, listAll, insert, update, delete string
	// countUp and countDown keep the owner's count of tasks (see
	// taskCount).
	countUp, countDown string
	// Idempotency keys' (keys.go); claimKey is "" where none is needed.
	claimKey, getKey, saveKey, expireKeys string
}

// The types of the parameters of a task's columns, as insert and update
// write them (see stateArgs).
var (
	// id, user_id, created_at, in insert only.
	identityTypes = []string{"uuid", "text", "timestamptz"}
	// Everything a change can change, then the keys, which are written and
	// never read back: task.FoldCase of the title, the description and each
	// tag, which lists filter and sort on (see stateArgs).
	stateColumns = []string{"title", "description", "completed", "updated_at", "version", "priority", "tags",
		"due_at", "due_is_date", "remind_at", "recurrence", "completed_at", "next_occurrence_id",
		"title_key", "description_key", "tag_keys"}
	stateTypes = []string{"text", "text", "boolean", "timestamptz", "bigint", "smallint", "text[]",
		"timestamptz", "boolean", "timestamptz", "text", "timestamptz", "uuid",
		"text", "text", "text[]"}
)

func (d sqlDialect) statements() statements {
	where := func(p *params) string {
		return " FROM tasks WHERE id = " + p.add(nil, "uuid") + " AND user_id = " + p.add(nil, "text")
	}
	s := statements{
		get:          d.fixed(func(p *params) string { return "SELECT " + taskColumns + where(p) }),
		getForUpdate: d.fixed(func(p *params) string { return "SELECT " + taskColumns + where(p) + d.lockRow }),
		// The index (user_id, created_at DESC, id DESC) serves this in order:
		// v1's whole list, the hottest read, kept as a constant statement.
		listAll: d.fixed(func(p *params) string {
			return "SELECT " + taskColumns + " FROM tasks WHERE user_id = " + p.add(nil, "text") + " ORDER BY created_at DESC, id DESC"
		}),
		insert: d.fixed(func(p *params) string {
			return "INSERT INTO tasks (id, user_id, created_at, " + strings.Join(stateColumns, ", ") + ") VALUES (" +
				p.list(identityTypes...) + ", " + p.list(stateTypes...) + ")"
		}),
		// The compare-and-swap on the version read: a write lands only over
		// the state its transaction read.
		update: d.fixed(func(p *params) string {
			set := make([]string, len(stateColumns))
			for i, c := range stateColumns {
				set[i] = c + " = " + p.add(nil, stateTypes[i])
			}
			return "UPDATE tasks SET " + strings.Join(set, ", ") + " WHERE id = " + p.add(nil, "uuid") +
				" AND user_id = " + p.add(nil, "text") + " AND version = " + p.add(nil, "bigint")
		}),
		delete: d.fixed(func(p *params) string { return "DELETE" + where(p) }),
		// The count rises by one, unless the limit (when above 0) is
		// reached: then it would fall to -1, which the constraint
		// task_counts_limit refuses, failing the statement and so the
		// transaction (see taskCount).
		countUp: d.fixed(func(p *params) string {
			owner, limit := p.add(nil, "text"), p.add(nil, "bigint")
			return "INSERT INTO task_counts AS c (user_id, n) VALUES (" + owner + ", 1) ON CONFLICT (user_id) DO UPDATE" +
				" SET n = CASE WHEN " + limit + " <= 0 OR c.n < " + limit + " THEN c.n + 1 ELSE -1 END"
		}),
		countDown: d.fixed(func(p *params) string {
			return "UPDATE task_counts SET n = n - 1 WHERE user_id = " + p.add(nil, "text") + " AND n > 0"
		}),
	}
	d.keyStatements(&s)
	return s
}
