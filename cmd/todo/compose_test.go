package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"

	"github.com/todoapi/todo/internal/testkit"
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

func MustLoadCompose(t *testing.T, env ...string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"../../docker-compose.yml"},
		cli.WithWorkingDirectory("../.."), cli.WithEnv(env), cli.WithName("todo"))
	if err != nil {
		t.Fatal(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return project
}

// The image built by compose reports the version and commit it was built
// from: the compose file passes them to the Dockerfile as build arguments,
// and task compose:up sets them from git.
func TestComposeBuildsVersion(t *testing.T) {
	api, err := MustLoadCompose(t, "VERSION=v1.2.3", "COMMIT=abc1234").GetService("api")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"VERSION": "v1.2.3", "COMMIT": "abc1234"} {
		if got := api.Build.Args[k]; got == nil || *got != want {
			t.Errorf("build arg %s = %v, want %q from the environment", k, got, want)
		}
	}
	df, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ARG VERSION", "ARG COMMIT", "-X main.version=${VERSION}", "-X main.commit=${COMMIT}"} {
		if !strings.Contains(string(df), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	var taskfile struct {
		Tasks map[string]struct {
			Env map[string]string
		}
	}
	b, err := os.ReadFile("../../Taskfile.yml")
	if err == nil {
		err = yaml.Unmarshal(b, &taskfile)
	}
	if err != nil {
		t.Fatal(err)
	}
	if env := taskfile.Tasks["compose:up"].Env; env["VERSION"] == "" || env["COMMIT"] == "" {
		t.Errorf("task compose:up sets no VERSION and COMMIT for the build: %v", env)
	}
}

// Running the server or todo token from any directory makes data/ there;
// git must ignore it wherever it is.
func TestRuntimeDataIsIgnored(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		testkit.Missing(t, "git", "git is not installed")
	}
	if err := exec.Command(git, "-C", "../..", "rev-parse", "--git-dir").Run(); err != nil {
		testkit.Missing(t, "git", "not a git checkout (a source archive)")
	}
	for _, path := range []string{"data/todo.db", "cmd/todo/data/dev-signing-key.json", "docs/data/todo.db-wal"} {
		if err := exec.Command(git, "-C", "../..", "check-ignore", "-q", "--no-index", path).Run(); err != nil {
			t.Errorf("git does not ignore %s: %v", path, err)
		}
	}
	if err := exec.Command(git, "-C", "../..", "check-ignore", "-q", "--no-index", "cmd/todo/testdata/interop/server.mjs").Run(); err == nil {
		t.Error("git ignores the test data too")
	}
}
