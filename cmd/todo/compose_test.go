package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// No Docker engine runs where the tests do, so the compose file is checked by
// the Compose specification's own loader: it parses, interpolates and
// validates the file exactly as `docker compose` would before starting it.
func TestComposeFile(t *testing.T) {
	project := MustLoadCompose(t)

	db, err := project.GetService("db")
	if err != nil {
		t.Fatal(err)
	}
	api, err := project.GetService("api")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(db.Image, "postgres:") {
		t.Errorf("db image = %q, want postgres", db.Image)
	}
	for name, svc := range map[string]types.ServiceConfig{"db": db, "api": api} {
		if svc.HealthCheck == nil || len(svc.HealthCheck.Test) == 0 || svc.HealthCheck.Disable {
			t.Errorf("%s has no health check", name)
		}
	}
	if got := strings.Join(db.HealthCheck.Test, " "); !strings.Contains(got, "pg_isready") {
		t.Errorf("db health check = %q, want pg_isready", got)
	}
	if dep, ok := api.DependsOn["db"]; !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("api depends_on db = %+v, want condition service_healthy", api.DependsOn)
	}
	if api.Build == nil || api.Build.Dockerfile != "Dockerfile" {
		t.Fatalf("api build = %+v, want the repository's Dockerfile", api.Build)
	}
	if _, err := os.Stat(filepath.Join(api.Build.Context, api.Build.Dockerfile)); err != nil {
		t.Errorf("api's Dockerfile: %v", err)
	}
	url := api.Environment["DATABASE_URL"]
	if url == nil || !strings.HasPrefix(*url, "postgres://") || !strings.Contains(*url, "@db:5432/") {
		t.Errorf("api DATABASE_URL = %v, want the db service", url)
	}
	if !slices.ContainsFunc(api.Ports, func(p types.ServicePortConfig) bool { return p.Target == 8080 }) {
		t.Errorf("api does not publish port 8080: %+v", api.Ports)
	}
}

// The image is static, runs as a non-root user, and probes itself with the
// binary's own healthcheck command (it has no shell or curl).
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, want := range []string{"AS build", "CGO_ENABLED=0", "USER nonroot", `"todo", "healthcheck"`, "./cmd/todo"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

func MustLoadCompose(t *testing.T) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"../../docker-compose.yml"},
		cli.WithWorkingDirectory("../.."), cli.WithEnv([]string{}), cli.WithName("todo"))
	if err != nil {
		t.Fatal(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return project
}
