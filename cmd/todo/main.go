// Command todo is the Todo API: one binary that serves the API, runs
// migrations, prints development tokens and reports its version.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/todoapi/todo/config"
)

// Exit codes: 1 for a failure while running, 2 for a bad command line or bad
// configuration (nothing was started).
const (
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks errors that are the caller's to fix before anything runs.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line and returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "todo:", err)
	var usage usageError
	if errors.As(err, &usage) {
		return exitUsage
	}
	return exitFailure
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "todo",
		Short: "The Todo API: a multi-user task service for Better Auth frontends",
		Long: `todo serves the Todo REST API (the default command), manages its database
schema and, in development, prints tokens the server accepts.

Every setting can come from a flag, an environment variable or a config file
(--config), in that order of precedence. Run "todo serve --help" for the list.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Running "todo" alone serves, as "todo serve" does.
		Args: cobra.NoArgs,
		RunE: runServe,
	}
	addConfigFlags(root, config.Settings)
	// Subcommands inherit the flag error function; arguments are checked
	// by each command's own Args, wrapped below.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newServeCommand(), newMigrateCommand(), newTokenCommand(), newVersionCommand(), newHealthcheckCommand(), newSeedCommand())
	for _, cmd := range append(root.Commands(), root) {
		cmd.Args = usageArgs(cmd.Args)
	}
	return root
}

// usageArgs makes a wrong argument, such as an unknown command, a usage
// error (exit 2), as a wrong flag is.
func usageArgs(args cobra.PositionalArgs) cobra.PositionalArgs {
	if args == nil {
		return nil
	}
	return func(cmd *cobra.Command, a []string) error {
		err := args(cmd, a)
		var usage usageError
		if err != nil && !errors.As(err, &usage) {
			return usageError{err}
		}
		return err
	}
}
