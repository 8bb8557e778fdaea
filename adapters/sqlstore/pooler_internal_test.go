package sqlstore

import "testing"

// TestStatementMode pins how a PostgreSQL URL picks pgx's statement mode,
// and that only the pgbouncer parameter is taken out of it.
func TestStatementMode(t *testing.T) {
	t.Parallel()
	const neon = "postgresql://u:p@ep-cool-123-pooler.us-east-2.aws.neon.tech/db"
	tests := []struct {
		in, dsn, mode    string
		explicit, pooled bool
	}{
		{"postgres://u@db/todo?sslmode=require&application_name=a%20b", "postgres://u@db/todo?sslmode=require&application_name=a%20b", "cache_statement", false, false},
		{"postgres://u@db/todo?pgbouncer=true&sslmode=disable", "postgres://u@db/todo?sslmode=disable", "exec", true, true},
		{"postgres://u@db/todo?sslmode=disable&pgbouncer=1&application_name=x", "postgres://u@db/todo?sslmode=disable&application_name=x", "exec", true, true},
		{"postgres://u@db/todo?pgbouncer=false", "postgres://u@db/todo", "cache_statement", true, false},
		{neon + "?sslmode=require&channel_binding=require", neon + "?sslmode=require&channel_binding=require", "exec", false, true},
		{neon + "?sslmode=require&pgbouncer=false", neon + "?sslmode=require", "cache_statement", true, false},
		{neon + "?default_query_exec_mode=simple_protocol", neon + "?default_query_exec_mode=simple_protocol", "simple_protocol", true, true},
		{"postgres://u@db/todo?pgbouncer=true&default_query_exec_mode=cache_describe", "postgres://u@db/todo?default_query_exec_mode=cache_describe", "cache_describe", true, true},
		{"postgres://u@db/todo?default_query_exec_mode=exec", "postgres://u@db/todo?default_query_exec_mode=exec", "exec", true, false},
	}
	for _, tt := range tests {
		dsn, m, err := statementMode(tt.in)
		if err != nil || dsn != tt.dsn || m.Mode != tt.mode || m.explicit != tt.explicit || m.Pooled != tt.pooled || m.Reason == "" {
			t.Errorf("statementMode(%q) = %q, %+v, %v; want %q, mode %s, explicit %v, pooled %v", tt.in, dsn, m, err, tt.dsn, tt.mode, tt.explicit, tt.pooled)
		}
	}
	if _, _, err := statementMode("postgres://u:s3cret@db/todo?pgbouncer=yes"); err == nil {
		t.Error("pgbouncer=yes was accepted; want an error")
	}
}

// TestOpenStatementMode: Open applies the mode it reports.
func TestOpenStatementMode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://u@db/todo":                                   "cache_statement",
		"postgres://u@db/todo?pgbouncer=true":                    "exec",
		"postgres://u@db/todo?default_query_exec_mode=exec":      "exec",
		"postgres://u@ep-x-pooler.eu-central-1.aws.neon.tech/db": "exec",
	} {
		db, err := Open(in, Options{})
		if err != nil {
			t.Fatalf("Open(%q): %v", in, err)
		}
		if got := db.StatementMode().Mode; got != want {
			t.Errorf("Open(%q): mode %s, want %s", in, got, want)
		}
		_ = db.Close()
	}
}
