package sqlstore_test

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/sqlstore/sqlstoretest"
	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
	"github.com/todoapi/todo/ports/porttest"
)

// With tracing on, both stores still pass the contract suite, whose calls
// carry no span and so make none; a call under a recorded span makes the
// statements' spans its children.
func TestTracedTaskRepository(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, system string
		open         func(*testing.T, sqlstore.Options) *sqlstore.DB
	}{
		{"SQLite", "sqlite", func(t *testing.T, o sqlstore.Options) *sqlstore.DB { return sqlstoretest.MustOpenSQLite(t, o) }},
		{"Postgres", "postgresql", func(t *testing.T, o sqlstore.Options) *sqlstore.DB { return sqlstoretest.MustOpenPostgres(t, o) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			spans := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
			repo := sqlstore.NewTaskRepository(tc.open(t, sqlstore.Options{TracerProvider: tp}))
			t.Run("Contract", func(t *testing.T) {
				porttest.TaskRepository(t, func(*testing.T) ports.TaskRepository { return repo })
			})
			if n := len(spans.GetSpans()); n != 0 {
				t.Errorf("calls without a span made %d spans, want none", n)
			}

			ctx, parent := tp.Tracer("test").Start(context.Background(), "request")
			_, err := repo.Get(ctx, porttest.RandomOwner(), task.ID{})
			parent.End()
			if err == nil {
				t.Fatal("Get of the zero id found a task")
			}
			var children int
			for _, s := range spans.GetSpans() {
				if s.Parent.SpanID() != parent.SpanContext().SpanID() {
					continue
				}
				children++
				if s.SpanKind != trace.SpanKindClient || !hasAttr(s, "db.system.name", tc.system) {
					t.Errorf("span %q: kind %v, attributes %v; want a %s client span", s.Name, s.SpanKind, s.Attributes, tc.system)
				}
			}
			if children == 0 {
				t.Errorf("no span under the caller's; spans: %v", spans.GetSpans())
			}
		})
	}
}

func hasAttr(s tracetest.SpanStub, key, value string) bool {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key && kv.Value.String() == value {
			return true
		}
	}
	return false
}
