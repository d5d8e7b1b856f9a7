package main

import (
	"context"
	"errors"
)

func runSSHServe(ctx context.Context, e *env, args []string) error {
	return errors.New("ssh-serve is not built yet")
}
