package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/todoapi/todo/adapters/sqlstore"
	"github.com/todoapi/todo/adapters/system"
	"github.com/todoapi/todo/config"
	"github.com/todoapi/todo/core/app"
	"github.com/todoapi/todo/core/identity"
	"github.com/todoapi/todo/core/task"
)

// maxSeed bounds one seed run: a list far longer than a page shows paging,
// and the per-user limit is the store's to enforce.
const maxSeed = 10000

func newSeedCommand() *cobra.Command {
	var user string
	var n int
	cmd := &cobra.Command{
		Use:   "seed --user ID [--tasks N]",
		Short: "Fill a user's list with sample tasks (development only)",
		Long: `seed adds N sample tasks to the user's list in the database DATABASE_URL
names, through the same use cases the API runs: every priority, tags,
date-only and date-time due dates (some overdue), reminders, recurring
tasks, completed ones, descriptions with several lines. A frontend
developer then sees every feature of the list at once.

It refuses in production. It applies pending migrations first, as serve does.

Example:
  todo seed --user alice --tasks 60
  TOKEN=$(todo token --user alice)
  curl -H "Authorization: Bearer $TOKEN" "localhost:8080/api/alice/tasks?sort=due_date&status=pending"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if v, err := loadViper(cmd); err == nil && strings.EqualFold(strings.TrimSpace(v.GetString(config.KeyEnv)), config.Production) {
				return usageError{errors.New("seed is for development only (APP_ENV=production)")}
			}
			switch {
			case strings.TrimSpace(user) == "":
				return usageError{errors.New("--user is required: the user id whose list to fill (a token's sub)")}
			case n < 1 || n > maxSeed:
				return usageError{fmt.Errorf("--tasks must be between 1 and %d", maxSeed)}
			}
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			db, _, err := openDatabase(cmd, c, true)
			if err != nil {
				return err
			}
			defer db.Close()
			svc := app.NewTaskService(sqlstore.NewTaskRepository(db), system.Clock{}, system.IDs{}, app.MaxTasks(c.Tasks.MaxPerUser))
			owner := identity.UserID(user)
			actor := identity.Principal{UserID: owner}
			now := time.Now()
			r := rand.New(rand.NewPCG(1, 2)) // the same sample every time
			for i := range n {
				if _, err := svc.Create(cmd.Context(), actor, owner, sampleTask(r, i, now)); err != nil {
					return fmt.Errorf("task %d of %d: %w", i+1, n, err)
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Added %d sample tasks to %s's list.\n", n, user)
			return nil
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "user id whose list to fill (a token's sub); required")
	cmd.Flags().IntVar(&n, "tasks", 40, "how many tasks to add")
	addConfigFlags(cmd, config.SettingsOf(config.SectionGeneral, config.SectionDatabase, config.SectionTasks))
	return cmd
}

var (
	sampleTitles = []string{
		"Buy milk", "Call the dentist", "Renew passport", "Water the plants", "Pay rent",
		"Book flights to Lisbon", "Review pull request", "Prepare the quarterly report", "Back up the laptop",
		"Plan the team offsite", "Read \"The Pragmatic Programmer\"", "Fix the leaking tap", "Submit expenses",
		"Weekly 1:1 with Sam", "Clean the fridge", "Stretch for 10 minutes", "Update the résumé", "Order a birthday gift",
	}
	sampleTags = []string{"home", "work", "errand", "health", "finance", "reading", "family", "urgent-ish", "Q4"}
	samplePlan = []task.Recurrence{task.RecurrenceNone, task.RecurrenceNone, task.RecurrenceNone,
		task.RecurrenceDaily, task.RecurrenceWeekly, task.RecurrenceMonthly, task.RecurrenceYearly}
	samplePriority = []string{"low", "medium", "medium", "high", "urgent"}
)

// sampleTask returns the fields of the i-th sample task: a mix chosen so
// every filter and sort of the list has something to show.
func sampleTask(r *rand.Rand, i int, now time.Time) task.Patch {
	p := task.Patch{
		Title:      task.Set(sampleTitles[i%len(sampleTitles)]),
		Priority:   task.Set(samplePriority[i%len(samplePriority)]),
		Completed:  task.Set(i%6 == 5),
		Recurrence: task.Set(samplePlan[i%len(samplePlan)].String()),
	}
	if i%3 == 0 {
		p.Description = task.Set(fmt.Sprintf("Sample task %d.\nA second line, to show descriptions wrap.", i+1))
	}
	var tags []string
	for range r.IntN(3) {
		tags = append(tags, sampleTags[r.IntN(len(sampleTags))])
	}
	p.Tags = task.Set(tags)
	day := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, r.IntN(30)-7) // a week overdue to three weeks ahead
	switch i % 4 {
	case 0: // a date
		p.Due = task.Set(day.Format(time.DateOnly))
	case 1, 2: // a date-time, with a reminder an hour before
		at := day.Add(time.Duration(8+r.IntN(10)) * time.Hour)
		p.Due = task.Set(at.Format(time.RFC3339))
		if i%4 == 1 {
			p.RemindAt = task.Set(at.Add(-time.Hour).Format(time.RFC3339))
		}
	}
	return p
}
