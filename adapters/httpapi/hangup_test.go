package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// A client that hangs up is logged as 499 at INFO, whatever the handler
// answered into the void, unless something worse than the hang-up went
// wrong on the way: that keeps its status and level.
func TestClientHangsUp(t *testing.T) {
	t.Parallel()
	list := shortPaths.Collection
	ready := func(string) string { return "/readyz" }
	tests := []struct {
		name   string
		path   func(user string) string
		fault  fault
		status float64
		level  string
	}{
		{"StoreSawItLeave", list, left, 499, "INFO"},
		{"AnsweredTooLate", list, healthy, 499, "INFO"},
		{"ProberLeft", ready, left, 499, "INFO"},
		{"ErrDatabaseDownAnyway", list, unavailable, 503, "ERROR"},
		{"ErrPanic", list, panicking, 500, "ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, user := MustServer(t), NewUser()
			s.repo.Set(tt.fault)
			rec := mustHangUp(t, s, tt.path(user), user)

			var line map[string]any
			if err := json.Unmarshal([]byte(strings.TrimSpace(s.logs.String())), &line); err != nil {
				t.Fatalf("want one log line: %v\n%s", err, s.logs)
			}
			if line["status"] != tt.status || line["level"] != tt.level {
				t.Errorf("logged status %v at %v, want %v at %s\n%s", line["status"], line["level"], tt.status, tt.level, s.logs)
			}
			if tt.fault == left && (rec.Code != 499 || !strings.Contains(rec.Body.String(), `"title":"Client Closed Request"`) ||
				rec.Header().Get("Retry-After") != "") {
				t.Errorf("answered %d %v %s, want a 499 problem", rec.Code, rec.Header(), rec.Body)
			}
		})
	}
}

// mustHangUp sends a request whose client has already hung up: net/http
// cancels a request's context when its connection closes.
func mustHangUp(t *testing.T, s *Server, path, user string) *httptest.ResponseRecorder {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+Token(user))
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	return rec
}
