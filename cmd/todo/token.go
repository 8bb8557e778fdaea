package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/todoapi/todo/adapters/devtoken"
	"github.com/todoapi/todo/config"
)

func newTokenCommand() *cobra.Command {
	var claims devtoken.Claims
	cmd := &cobra.Command{
		Use:   "token --user ID",
		Short: "Print a development token that a server started from this directory accepts",
		Long: `token prints a JWT signed with the development key (AUTH_DEV_KEY_FILE,
` + config.DefaultDevKeyFile + ` by default), shaped like a Better Auth token. A
server in development with no BETTER_AUTH_URL, AUTH_JWKS_URL or
BETTER_AUTH_SECRET trusts that key. The key is created if it does not exist.

Example:
  TOKEN=$(todo token --user alice)
  curl -H "Authorization: Bearer $TOKEN" localhost:8080/api/alice/tasks`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Say why first: in production there is no issuer, whatever else
			// the configuration holds.
			if v, err := loadViper(cmd); err == nil && strings.EqualFold(strings.TrimSpace(v.GetString(config.KeyEnv)), config.Production) {
				return usageError{errors.New("development tokens are disabled in production (APP_ENV=production); get a token from Better Auth")}
			}
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			switch {
			case !c.Auth.DevIssuer:
				return usageError{errors.New("development tokens are disabled because a token source is configured (BETTER_AUTH_URL, AUTH_JWKS_URL or BETTER_AUTH_SECRET); the server would not accept them")}
			case claims.UserID == "":
				return usageError{errors.New("--user is required: the user id the token is for (its sub)")}
			}
			key, _, err := devtoken.LoadOrCreate(c.Auth.DevKeyFile)
			if err != nil {
				return err
			}
			token, err := key.Mint(claims, time.Now())
			if err != nil {
				return usageError{err}
			}
			fmt.Fprintln(cmd.OutOrStdout(), token)
			return nil
		},
	}
	cmd.Flags().StringVar(&claims.UserID, "user", "", "user id the token is for (its sub); required")
	cmd.Flags().DurationVar(&claims.TTL, "ttl", time.Hour, "how long the token is valid")
	cmd.Flags().StringVar(&claims.Email, "email", "", "email claim")
	cmd.Flags().StringVar(&claims.Name, "name", "", "name claim")
	// Only what decides whether the development issuer runs, and its key.
	addConfigFlags(cmd, settingsWithKeys(config.KeyEnv, config.KeyBetterAuthURL, config.KeyJWKSURL, config.KeySecret, config.KeyDevKeyFile))
	return cmd
}
