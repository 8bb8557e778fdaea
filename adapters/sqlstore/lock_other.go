//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlstore

import (
	"context"
	"path/filepath"
	"sync"
)

// lockFiles serialises migrations within this process where flock is not
// available (Windows, for one). Two processes migrating one SQLite file at
// once there may see the second fail with "table already exists"; the
// server is deployed on Linux, where lock_flock.go applies.
var lockFiles sync.Map // absolute path -> chan struct{} of capacity 1

func lockFile(ctx context.Context, path string) (unlock func() error, err error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	v, _ := lockFiles.LoadOrStore(path, make(chan struct{}, 1))
	sem := v.(chan struct{})
	select {
	case sem <- struct{}{}:
		return func() error { <-sem; return nil }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
