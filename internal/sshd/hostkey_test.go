package sshd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHostKeyIsCreatedPrivateAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "ssh_host_ed25519")
	first, err := HostKey(path)
	if err != nil {
		t.Fatalf("HostKey(%s) = %v", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("host key file mode = %04o, want 0600", got)
	}
	if got := first.PublicKey().Type(); got != "ssh-ed25519" {
		t.Errorf("host key type = %s, want ssh-ed25519", got)
	}
	again, err := HostKey(path)
	if err != nil {
		t.Fatalf("HostKey(%s) again = %v", path, err)
	}
	if !bytes.Equal(first.PublicKey().Marshal(), again.PublicKey().Marshal()) {
		t.Error("HostKey made a new key instead of keeping the first")
	}
}

func TestHostKeyRefusesAFileOthersMayRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssh_host_ed25519")
	if _, err := HostKey(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := HostKey(path)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("HostKey(mode 0644) = %v, want a refusal saying chmod 600", err)
	}
}

func TestHostKeyRefusesAFileThatIsNoKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssh_host_ed25519")
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := HostKey(path); err == nil {
		t.Error("HostKey(garbage) = nil error, want one")
	}
}
