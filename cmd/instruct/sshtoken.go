package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

// sshTokensDir is the directory, inside ssh-serve's data directory, where
// versions of ssh-serve before the shared read model kept the API token
// they minted for each SSH user's sync engine, one file per user.
const sshTokensDir = "tokens"

// maxTokenFile bounds how much of a token file is read: a real one holds
// a few dozen bytes.
const maxTokenFile = 512

// retireSSHTokens revokes the API tokens that older versions of
// ssh-serve minted and kept in the tokens directory of dataDir, and
// deletes their files, then the directory once empty: sessions no longer
// go through the API. A file whose token could not be revoked (the
// database failing) is kept for the next start; one that holds no token
// is deleted. Tokens are never logged.
func retireSSHTokens(ctx context.Context, l *ledger.Ledger, dataDir string, log *slog.Logger) {
	dir := filepath.Join(dataDir, sshTokensDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		log.Warn("ssh tokens of an older version not retired", "err", err)
		return
	}
	revoked := 0
	for _, entry := range entries {
		done, err := retireTokenFile(ctx, l, filepath.Join(dir, entry.Name()))
		if err != nil {
			log.Warn("ssh token of an older version not retired; next start tries again", "file", entry.Name(), "err", err)
			continue
		}
		if done {
			revoked++
		}
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Warn("ssh tokens directory of an older version kept", "err", err)
	}
	log.Info("ssh tokens of an older version retired", "files", len(entries), "revoked", revoked)
}

// retireTokenFile revokes the token the file at path holds, if the
// ledger still knows it, and deletes the file; it reports whether a token
// was revoked. On a database failure the file stays.
func retireTokenFile(ctx context.Context, l *ledger.Ledger, path string) (bool, error) {
	token, err := readTokenFile(path)
	revoked := false
	if err == nil {
		if revoked, err = revokeToken(ctx, l, token); err != nil {
			return false, err
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return revoked, fmt.Errorf("delete token file: %w", err)
	}
	return revoked, nil
}

// revokeToken revokes token for whichever user owns it; false when no
// user does any more.
func revokeToken(ctx context.Context, l *ledger.Ledger, token string) (bool, error) {
	hash := sha256.Sum256([]byte(token))
	u, err := l.UserByTokenHash(ctx, hash[:])
	if instruct.ErrorCode(err) == instruct.CodeNotFound {
		return false, nil
	}
	if err == nil {
		err = l.RevokeToken(ctx, u.ID, hash[:])
	}
	if instruct.ErrorCode(err) == instruct.CodeNotFound {
		return false, nil // revoked meanwhile
	}
	return err == nil, err
}

// readTokenFile returns the token the file at path holds. Its errors
// never quote the file's content.
func readTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if !wellFormedToken(token) {
		return "", fmt.Errorf("token file %s does not hold an instruct token", path)
	}
	return token, nil
}

// wellFormedToken reports whether s looks like a token the ledger mints:
// the token prefix, then base64url.
func wellFormedToken(s string) bool {
	rest, ok := strings.CutPrefix(s, ledger.TokenPrefix)
	if !ok || rest == "" || len(s) > maxTokenFile {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// noteOldSSHCaches logs how many per-user caches older versions of
// ssh-serve left in dataDir (<user id>.db): they are no longer read, and
// the operator may delete them. They are left as they are, in case one
// holds a decision an older version never sent.
func noteOldSSHCaches(dataDir string, log *slog.Logger) {
	old, err := filepath.Glob(filepath.Join(dataDir, "*.db"))
	if err == nil && len(old) > 0 {
		log.Info("ssh caches of an older version are no longer used", "dir", dataDir, "files", len(old))
	}
}
