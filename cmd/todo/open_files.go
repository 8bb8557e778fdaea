package main

import (
	"log/slog"
	"syscall"
)

// streamFiles is the open-files limit below which the server says, at
// start, that it caps the live event streams: each stream holds a
// connection, and each connection a file descriptor.
const streamFiles = 16384

// filesReserved are the descriptors a server needs besides its streams:
// the database pool, the listener, the log, ordinary requests.
const filesReserved = 200

// openFilesLimit is the process's open-files limit (Go raises the soft
// limit to the hard one at start); 0 when it cannot be read.
func openFilesLimit() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	return lim.Cur
}

// logOpenFiles logs the open-files limit and, when it is low, how many
// live streams it leaves room for and how to raise it.
func logOpenFiles(logger *slog.Logger, limit uint64) {
	if limit == 0 {
		return
	}
	streams := max(int64(limit)-filesReserved, 0)
	if limit >= streamFiles {
		logger.Debug("open files limit", "limit", limit, "live_streams_room", streams)
		return
	}
	logger.Info("the open files limit caps live event streams; raise it (ulimit -n, systemd LimitNOFILE, docker --ulimit nofile) to hold more",
		"limit", limit, "live_streams_room", streams, "recommended", 65536)
}
