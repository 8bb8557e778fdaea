package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestLogOpenFiles(t *testing.T) {
	for _, tc := range []struct {
		limit uint64
		want  string // "" when nothing is logged at INFO
	}{
		{limit: 1024, want: "live_streams_room=824"},
		{limit: 4096, want: "live_streams_room=3896"},
		{limit: 65536, want: ""},
		{limit: 0, want: ""},
	} {
		var buf bytes.Buffer
		logOpenFiles(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})), tc.limit)
		got := buf.String()
		if tc.want == "" && got != "" {
			t.Errorf("limit %d: logged %q, want nothing at INFO", tc.limit, got)
		}
		if tc.want != "" && (!strings.Contains(got, tc.want) || !strings.Contains(got, "ulimit -n")) {
			t.Errorf("limit %d: logged %q, want %q and how to raise it", tc.limit, got, tc.want)
		}
	}
	if openFilesLimit() == 0 {
		t.Error("openFilesLimit() = 0 on Linux, want the process's limit")
	}
}
