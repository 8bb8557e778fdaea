package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"github.com/XSAM/otelsql"
	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Instrumentation is what the service's telemetry gives the store, when it
// is wired: see Options.TracerProvider.
type Instrumentation struct {
	TracerProvider trace.TracerProvider
}

// Each database is traced by the instrumentation of the driver that runs
// its statements. PostgreSQL's statements run through pgx's own interface
// (see pgEngine), beneath database/sql, so pgx's tracer hooks see them,
// batches included; a database/sql wrapper would not, and would hide the
// pgx connection the engine borrows. SQLite's run through database/sql,
// whose driver otelsql wraps. Both make a client span per statement named
// after its operation (SELECT, or otelsql's sql.conn.query), with the SQL
// text and never its arguments, and only beneath a span that is recorded:
// the store's own background work makes no root spans.

// pgTracer traces pgx's queries, batches, prepares and connects.
func pgTracer(tp trace.TracerProvider) pgx.QueryTracer {
	return otelpgx.NewTracer(otelpgx.WithTracerProvider(tp), otelpgx.WithMeterProvider(metricnoop.NewMeterProvider()))
}

// openTraced opens a database/sql pool on c, traced when tp is set.
func openTraced(c driver.Connector, tp trace.TracerProvider) *sql.DB {
	if tp == nil {
		return sql.OpenDB(c)
	}
	return otelsql.OpenDB(c,
		otelsql.WithTracerProvider(tp),
		otelsql.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelsql.WithAttributes(semconv.DBSystemNameSQLite),
		otelsql.WithSpanOptions(otelsql.SpanOptions{
			OmitConnResetSession: true,
			OmitConnectorConnect: true,
			OmitRows:             true,
			SpanFilter: func(ctx context.Context, _ otelsql.Method, _ string, _ []driver.NamedValue) bool {
				return trace.SpanFromContext(ctx).IsRecording()
			},
		}),
	)
}

// Pools returns the database/sql pools by name, for their metrics:
// "postgres", or SQLite's "sqlite_read" and "sqlite_write".
func (db *DB) Pools() map[string]*sql.DB {
	if db.dialect == SQLite {
		return map[string]*sql.DB{"sqlite_read": db.read.DB, "sqlite_write": db.write.DB}
	}
	return map[string]*sql.DB{"postgres": db.write.DB}
}
