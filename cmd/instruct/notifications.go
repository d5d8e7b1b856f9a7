package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// runNotifications runs "notifications on|off --definition D": whether
// the signed-in reviewer receives the mails of a definition's
// submissions and applicants' messages.
func runNotifications(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "on" && args[0] != "off") {
		return usageError{errors.New("usage: instruct notifications on|off --definition D")}
	}
	on := args[0] == "on"
	fs := newFlags(e, "notifications on|off", "receive, or not, the mails of a definition: new submissions and applicants' messages",
		"instruct notifications off --definition api_particulier")
	var s settings
	clientFlags(fs, &s)
	def := fs.String("definition", "", "the definition (API) whose mails to turn on or off")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *def == "" {
		return usageError{errors.New("--definition is required")}
	}
	if err := s.resolve(e); err != nil {
		return err
	}
	warnPlainHTTP(e.stderr, s.server)
	c := client.New(s.server, s.token, client.Options{Timeout: 10 * time.Second, MaxRetries: 2})
	choices, err := c.SetNotifications(ctx, map[string]bool{*def: on})
	if err != nil {
		return err
	}
	state := "off"
	if choices[*def] {
		state = "on"
	}
	fmt.Fprintf(e.stdout, "mails of %s: %s\n", sanitize.Line(*def), state)
	return nil
}
