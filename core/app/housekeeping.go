package app

import (
	"context"
	"time"

	"github.com/todoapi/todo/core/apperr"
	"github.com/todoapi/todo/ports"
)

// HousekeepingInterval is how often every replica runs the housekeeping
// jobs. Each job runs in one replica per round (see ports.Housekeeper's
// Claim), so with any number of replicas each runs about this often, and
// at least once a minute.
const HousekeepingInterval = 30 * time.Second

// Job is one housekeeping chore: Run does one round of it at now and
// reports how many things it removed. A job must be safe to run in two
// replicas at once: Claim makes that rare, not impossible (a round that
// outlasts its period, clocks that disagree).
type Job struct {
	Name string
	Run  func(ctx context.Context, now time.Time) (int, error)
}

// Housekeeping runs the housekeeping jobs: trash purge and change
// retention, and whatever else a store must forget in time (one more Job
// in the list).
type Housekeeping struct {
	store ports.Housekeeper
	clock ports.Clock
	jobs  []Job
}

// NewHousekeeping returns the runner of the jobs over a store.
func NewHousekeeping(store ports.Housekeeper, clock ports.Clock, jobs ...Job) *Housekeeping {
	return &Housekeeping{store: store, clock: clock, jobs: jobs}
}

// Result is what one job did in one round.
type Result struct {
	Job     string
	Claimed bool // this replica ran it; false: another did, or will
	Done    int  // what it removed
	Err     error
}

// RunOnce runs one round: each job this replica claims for the period
// given. A job's failure does not keep the others from running.
func (h *Housekeeping) RunOnce(ctx context.Context, period time.Duration) []Result {
	out := make([]Result, 0, len(h.jobs))
	for _, j := range h.jobs {
		r := Result{Job: j.Name}
		now := h.clock.Now()
		r.Claimed, r.Err = h.store.Claim(ctx, j.Name, now, period)
		if r.Claimed && r.Err == nil {
			r.Done, r.Err = j.Run(ctx, now)
		}
		out = append(out, r)
	}
	return out
}

// Run runs a round at once, then one every interval until ctx is done,
// handing each job's result to report. A round claims each job for a
// little less than the interval, so that the replica that ran it last can
// claim it again on its next tick however its timer drifts.
func (h *Housekeeping) Run(ctx context.Context, interval time.Duration, report func(Result)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		for _, r := range h.RunOnce(ctx, interval*9/10) {
			report(r)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// housekeepingBatch is how many trashed tasks one read of a purge round
// asks for; maxBatches bounds a round, so a large backlog is worked off
// over several rounds without one round holding on for long.
const (
	housekeepingBatch = 200
	maxBatches        = 25
)

// PurgeTrashJob is the job that removes for good the trashed tasks deleted
// more than retention ago, each with its purged change, as Purge does.
// Each purge locks its task first, so replicas purging at once purge each
// task once, and record one purged change for it.
func (s *TaskService) PurgeTrashJob(store ports.Housekeeper, retention time.Duration) Job {
	return Job{Name: "trash purge", Run: func(ctx context.Context, now time.Time) (int, error) {
		before := now.Add(-retention)
		done := 0
		for range maxBatches {
			refs, err := store.ExpiredTrash(ctx, before, housekeepingBatch)
			if err != nil {
				return done, err
			}
			progress := 0
			for _, ref := range refs {
				purged, err := s.purge(ctx, ref.Owner, ref.ID, before)
				if err != nil && apperr.CodeOf(err) != apperr.ENOTFOUND {
					return done, err
				}
				if purged {
					progress++
				}
			}
			done += progress
			// A short batch was the last; one where nothing was purged is
			// another replica's work, or failing: leave it to the next round.
			if len(refs) < housekeepingBatch || progress == 0 {
				return done, nil
			}
		}
		return done, nil
	}}
}

// PruneChangesJob is the job that removes the changes made more than
// retention ago; a client whose cursor is older must list again.
func PruneChangesJob(store ports.Housekeeper, retention time.Duration) Job {
	return Job{Name: "change retention", Run: func(ctx context.Context, now time.Time) (int, error) {
		done := 0
		for range maxBatches {
			n, err := store.PruneChanges(ctx, now.Add(-retention), housekeepingBatch)
			done += n
			if err != nil || n == 0 {
				return done, err
			}
		}
		return done, nil
	}}
}
