package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, data string
		wantErr    string // "" when the config is accepted
	}{
		{"written by login", `{"server":"https://instruct.example.gouv.fr","token":"itk_abc","user":"u1"}`, ""},
		{"a field a later version added", `{"server":"http://127.0.0.1:8080","token":"t","theme":"dark"}`, ""},
		{"not JSON", `server=https://x`, "not valid JSON"},
		{"a server that is no URL", `{"server":"instruct.example.gouv.fr","token":"t"}`, "not an http(s) URL"},
		{"another scheme", `{"server":"file:///etc/passwd","token":"t"}`, "not an http(s) URL"},
		{"an escape in the server", `{"server":"https://x\u001b]52;c;AAAA\u0007","token":"t"}`, "not an http(s) URL"},
		{"a newline in the token", `{"server":"https://x","token":"t\nX-Admin: 1"}`, "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig([]byte(tt.data))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("parseConfig(%s) = %v, want it accepted", tt.data, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("parseConfig(%s) = %v, want an error saying %q", tt.data, err, tt.wantErr)
			}
		})
	}
}

// FuzzParseConfig holds parseConfig to its promise on any file: no panic;
// what it accepts is an http(s) URL and a printable token; its errors
// carry no control character to the terminal.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"server":"https://instruct.example.gouv.fr","token":"itk_abc","user":"u1"}`))
	f.Add([]byte(`{"server":"http://[::1]:80","token":""}`))
	f.Add([]byte(`{"server":"https://x\u001b[2J","token":"a\u0085b"}`))
	f.Add([]byte("\xff\xfe{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseConfig(data)
		if err != nil {
			if strings.ContainsFunc(err.Error(), func(r rune) bool { return r < ' ' || (r >= 0x7f && r < 0xa0) }) {
				t.Fatalf("parseConfig error %q carries a control character", err)
			}
			return
		}
		if c.Server != "" {
			u, err := url.Parse(c.Server)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("parseConfig accepted server %q", c.Server)
			}
		}
		if !printable(c.Server) || !printable(c.Token) {
			t.Fatalf("parseConfig accepted %q / %q with control characters", c.Server, c.Token)
		}
	})
}

// TestBadConnectionSettingsAreRefusedClearly: a server that is no http(s)
// URL, a token with a newline, or a config file damaged by hand each stop
// the command with a one-line reason and a non-zero exit (2 for a bad
// flag), before any request.
func TestBadConnectionSettingsAreRefusedClearly(t *testing.T) {
	box := newSandbox(t)
	config := box.path("config", "instruct", "config.json")
	if err := os.MkdirAll(filepath.Dir(config), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte(`{"server":"ftp://instruct.example.gouv.fr","token":"t"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		args     []string
		want     string
		wantCode int
	}{
		{"server without scheme", []string{"sync", "--server", "instruct.example.gouv.fr", "--token", "t"}, "not an http(s) URL", 2},
		{"token with a newline", []string{"sync", "--server", "https://instruct.example.gouv.fr", "--token", "t\nX: 1"}, "control characters", 2},
		{"login to a bad server", []string{"login", "--server", "localhost:8080", "--token", "t"}, "not an http(s) URL", 2},
		{"config edited by hand", []string{"ls"}, "run \"instruct login\" again", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := box.run(c.args...)
			if res.code != c.wantCode || !strings.Contains(res.stderr, c.want) || strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 {
				t.Errorf("instruct %q = %s, want exit %d and one line saying %q", c.args, res, c.wantCode, c.want)
			}
		})
	}
}
