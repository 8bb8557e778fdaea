package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/todoapi/todo/config"
)

// newHealthcheckCommand answers a container runtime's health probe. The
// image has no shell or curl, so the binary probes itself.
func newHealthcheckCommand() *cobra.Command {
	var url string
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 if the server on this machine answers /healthz (for container health checks)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				c, err := loadConfig(cmd)
				if err != nil {
					return err
				}
				_, port, err := net.SplitHostPort(c.HTTP.Addr)
				if err != nil {
					return usageError{fmt.Errorf("listen address: %w", err)}
				}
				url = "http://127.0.0.1:" + port + "/healthz"
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 3*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return usageError{err}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s answered %s", url, resp.Status)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "URL to probe (default: /healthz on this machine's HTTP_ADDR port)")
	addConfigFlags(cmd, settingsWithKeys(config.KeyHTTPAddr))
	return cmd
}
