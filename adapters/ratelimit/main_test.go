package ratelimit_test

import (
	"os"
	"testing"

	"github.com/todoapi/todo/internal/testkit"
)

// TestMain lists the tests skipped for want of Redis.
func TestMain(m *testing.M) { os.Exit(testkit.Run(m)) }
