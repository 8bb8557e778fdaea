package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/todoapi/todo/config"
)

// clearOTel empties the OpenTelemetry variables the config looks at.
func clearOTel(t *testing.T) {
	t.Helper()
	for _, name := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
		"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_TRACES_EXPORTER", "OTEL_SDK_DISABLED"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
}

// The admin listener is on, on loopback, unless ADMIN_ADDR is set empty:
// unlike any other setting, whose empty variable counts as unset.
func TestAdminAddr(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   []string // name, value, ...
		args  []string
		want  string
		wrong bool
	}{
		{name: "OKDefault", want: "127.0.0.1:9464"},
		{name: "OKSet", env: []string{"ADMIN_ADDR", ":9100"}, want: ":9100"},
		{name: "OKEmptyTurnsOff", env: []string{"ADMIN_ADDR", ""}, want: ""},
		{name: "OKBlankTurnsOff", env: []string{"ADMIN_ADDR", "  "}, want: ""},
		{name: "OKEmptyFlagTurnsOff", args: []string{"--admin-addr="}, want: ""},
		{name: "OKFlagBeatsEmptyVariable", env: []string{"ADMIN_ADDR", ""}, args: []string{"--admin-addr", "127.0.0.1:9999"}, want: "127.0.0.1:9999"},
		{name: "OKOtherPortThanAPI", env: []string{"HTTP_ADDR", ":8080", "ADMIN_ADDR", "127.0.0.1:8081"}, want: "127.0.0.1:8081"},
		{name: "ErrNoPort", env: []string{"ADMIN_ADDR", "localhost"}, wrong: true},
		{name: "ErrTheAPIAddress", env: []string{"HTTP_ADDR", ":8080", "ADMIN_ADDR", "127.0.0.1:8080"}, wrong: true},
		{name: "ErrTheAPIPort", env: []string{"PORT", "9464"}, wrong: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			clearOTel(t)
			for i := 0; i+1 < len(tc.env); i += 2 {
				t.Setenv(tc.env[i], tc.env[i+1])
			}
			c, err := load(t, tc.args...)
			if tc.wrong {
				if err == nil || !strings.Contains(err.Error(), "ADMIN_ADDR") {
					t.Fatalf("err = %v, want one naming ADMIN_ADDR", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Telemetry.AdminAddr != tc.want {
				t.Fatalf("AdminAddr = %q, want %q", c.Telemetry.AdminAddr, tc.want)
			}
		})
	}
}

// Traces are exported when an OTLP endpoint is set, over HTTP/protobuf
// only; the variables are the OpenTelemetry SDK's own.
func TestTracesExport(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   []string
		want  string // the traces endpoint
		wrong string // the variable an error names
	}{
		{name: "OKNone"},
		{name: "OKEndpoint", env: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"}, want: "http://collector:4318/v1/traces"},
		{name: "OKTracesEndpointWins", env: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
			"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://traces.example.com/otlp"}, want: "https://traces.example.com/otlp"},
		{name: "OKHTTPProtobuf", env: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"},
			want: "http://c:4318/v1/traces"},
		{name: "OKTracesProtocolWins", env: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
			"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"}, want: "http://c:4318/v1/traces"},
		{name: "OKExporterNone", env: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_TRACES_EXPORTER", "none"}},
		{name: "OKSDKDisabled", env: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_SDK_DISABLED", "true"}},
		{name: "OKProtocolWithoutEndpoint", env: []string{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}},
		{name: "ErrGRPC", env: []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
			wrong: "OTEL_EXPORTER_OTLP_PROTOCOL"},
		{name: "ErrOtherExporter", env: []string{"OTEL_TRACES_EXPORTER", "zipkin"}, wrong: "OTEL_TRACES_EXPORTER"},
		{name: "ErrNotAURL", env: []string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318"}, wrong: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			clearOTel(t)
			for i := 0; i+1 < len(tc.env); i += 2 {
				t.Setenv(tc.env[i], tc.env[i+1])
			}
			c, err := load(t)
			if tc.wrong != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wrong) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wrong)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Telemetry.TracesEndpoint != tc.want {
				t.Fatalf("TracesEndpoint = %q, want %q", c.Telemetry.TracesEndpoint, tc.want)
			}
		})
	}
}

// The telemetry settings are a section of their own.
func TestTelemetrySection(t *testing.T) {
	got := config.SettingsOf(config.SectionTelemetry)
	if len(got) != 1 || got[0].Key != config.KeyAdminAddr || got[0].Default != config.DefaultAdminAddr {
		t.Fatalf("SettingsOf(SectionTelemetry) = %+v", got)
	}
}
