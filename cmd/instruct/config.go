package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// config is what "instruct login" stores: the server, the token and the
// user it belongs to. The file holds a secret, so it is written 0600 and
// refused when more open.
type config struct {
	Server string `json:"server"`
	Token  string `json:"token"`
	User   string `json:"user,omitempty"`
}

// settings are the resolved connection settings of a client command.
type settings struct {
	server, token, cache, configPath string
	user                             string
}

// clientFlags registers --server, --token, --cache and --config.
func clientFlags(fs *flag.FlagSet, s *settings) {
	fs.StringVar(&s.server, "server", "", "server URL (env INSTRUCT_SERVER)")
	fs.StringVar(&s.token, "token", "", "API token (env INSTRUCT_TOKEN)")
	fs.StringVar(&s.cache, "cache", "", "cache file (env INSTRUCT_CACHE; default: one per server and user under the user cache dir)")
	fs.StringVar(&s.configPath, "config", "", "config file (env INSTRUCT_CONFIG; default: the user config dir)")
}

// resolve fills unset settings from the environment, then the config
// file, and checks that a server and a token are known. A token not
// given on the command line goes only to the server it was given with:
// INSTRUCT_TOKEN to INSTRUCT_SERVER, the config file's token to the
// config file's server. Another server gets no token, and the user is
// told to sign in to it.
func (s *settings) resolve(e *env) error {
	fromEnv(&s.cache, e, "INSTRUCT_CACHE")
	fromEnv(&s.configPath, e, "INSTRUCT_CONFIG")
	if s.configPath == "" {
		p, err := defaultConfigPath()
		if err != nil {
			return err
		}
		s.configPath = p
	}
	fromEnv(&s.server, e, "INSTRUCT_SERVER")
	var stored config
	if s.server == "" || s.token == "" {
		c, err := readConfig(s.configPath)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		stored = c
	}
	if s.server == "" {
		s.server = stored.Server
	}
	if s.server == "" {
		return usageError{errors.New("no server or token: run \"instruct login --server URL\" or pass --server and --token")}
	}
	if err := checkServer(s.server); err != nil {
		return usageError{err}
	}
	if s.token == "" {
		token, err := s.boundToken(e, stored)
		if err != nil {
			return err
		}
		s.token = token
	}
	if stored.Token == s.token && sameServer(stored.Server, s.server) {
		s.user = stored.User
	}
	if !printable(s.token) {
		return usageError{errors.New("the token holds spaces or control characters")}
	}
	return s.defaultCache()
}

// resolveCache resolves the settings of a command that reads the cache
// only (ls, show, decide): a cache named by --cache or INSTRUCT_CACHE is
// enough, with no server nor token; they are still resolved when they
// can be. Without a named cache, the server and the user name it, as for
// every command.
func (s *settings) resolveCache(e *env) error {
	fromEnv(&s.cache, e, "INSTRUCT_CACHE")
	if s.cache == "" {
		return s.resolve(e)
	}
	full := *s
	if full.resolve(e) == nil {
		*s = full
	}
	return nil
}

// boundToken returns the token stored for s.server: INSTRUCT_TOKEN when
// INSTRUCT_SERVER names that server, else the config file's when it was
// stored with that server. Any other case is refused with a message
// naming the servers the tokens belong to.
func (s *settings) boundToken(e *env, stored config) (string, error) {
	envServer, envToken := e.getenv("INSTRUCT_SERVER"), e.getenv("INSTRUCT_TOKEN")
	if envToken != "" && sameServer(envServer, s.server) {
		return envToken, nil
	}
	if stored.Token != "" && sameServer(stored.Server, s.server) {
		return stored.Token, nil
	}
	var held []string
	switch {
	case envToken != "" && envServer == "":
		held = append(held, "INSTRUCT_TOKEN is sent only to INSTRUCT_SERVER, which is not set")
	case envToken != "":
		held = append(held, fmt.Sprintf("INSTRUCT_TOKEN belongs to %s (INSTRUCT_SERVER)", envServer))
	}
	if stored.Token != "" {
		held = append(held, fmt.Sprintf("the token in %s belongs to %s", s.configPath, stored.Server))
	}
	if len(held) == 0 {
		return "", usageError{fmt.Errorf("no token for %s: run \"instruct login --server %s\" or pass --token", s.server, s.server)}
	}
	return "", usageError{fmt.Errorf("no token for %s: %s, and a token goes only to its server; run \"instruct login --server %s\" or pass --token",
		s.server, strings.Join(held, "; "), s.server)}
}

// warnPlainHTTP warns, on w, when the token is about to travel to
// server unencrypted: an http:// URL whose host is not this machine.
func warnPlainHTTP(w io.Writer, server string) {
	u, err := url.Parse(server)
	if err != nil || !strings.EqualFold(u.Scheme, "http") || isLoopback(u.Hostname()) {
		return
	}
	fmt.Fprintf(w, "instruct: warning: %s is plain http: the token and the requests cross the network unencrypted; use https://\n", server)
}

// isLoopback reports whether host names this machine: localhost or a
// loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func fromEnv(dst *string, e *env, name string) {
	if *dst == "" {
		*dst = e.getenv(name)
	}
}

// defaultCache names the cache file after the server and the user: the
// user ID when login recorded it, else a hash of the token.
func (s *settings) defaultCache() error {
	if s.cache != "" {
		return nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return fmt.Errorf("find the cache directory: %w (pass --cache)", err)
	}
	who := s.user
	if who == "" {
		sum := sha256.Sum256([]byte(s.token))
		who = "t" + hex.EncodeToString(sum[:6])
	}
	s.cache = filepath.Join(dir, "instruct", safeName(hostOf(s.server))+"-"+safeName(who)+".db")
	return nil
}

func defaultConfigPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w (pass --config)", err)
	}
	return filepath.Join(dir, "instruct", "config.json"), nil
}

// readConfig reads the config file, refusing one others can read.
func readConfig(path string) (config, error) {
	var c config
	info, err := os.Stat(path)
	if err != nil {
		return c, err
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return c, fmt.Errorf("config %s holds a token but is open to others (mode %04o): run chmod 600 %s", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("read config: %w", err)
	}
	if c, err = parseConfig(data); err != nil {
		return c, fmt.Errorf("config %s: %w (run \"instruct login\" again)", path, err)
	}
	return c, nil
}

// parseConfig decodes a config file and checks what it holds: an http(s)
// server URL and a token of printable characters. Fields a later version
// may add are ignored.
func parseConfig(data []byte) (config, error) {
	var c config
	if err := json.Unmarshal(data, &c); err != nil {
		return config{}, fmt.Errorf("not valid JSON: %v", err)
	}
	if c.Server != "" {
		if err := checkServer(c.Server); err != nil {
			return config{}, err
		}
	}
	if c.Token != "" && !printable(c.Token) {
		return config{}, errors.New("the token holds spaces or control characters")
	}
	return c, nil
}

// checkServer accepts an absolute http or https URL with a host.
func checkServer(server string) error {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !printable(server) {
		return fmt.Errorf("server %q is not an http(s) URL such as https://instruct.example.gouv.fr", server)
	}
	return nil
}

// printable reports whether s is made of visible ASCII characters only,
// as URLs and tokens are.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// writeConfig writes c to path with mode 0600, atomically.
func writeConfig(path string, c config) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create config directory: %w", err)
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*")
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

func hostOf(server string) string {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return server
	}
	return u.Host
}

// sameServer reports whether URLs a and b name the same server: scheme
// and host compared without case, a default port the same as none, a
// trailing slash ignored. http and https are different servers.
func sameServer(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return serverKey(a) == serverKey(b)
}

// serverKey is the form sameServer compares server URLs in.
func serverKey(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return strings.TrimRight(server, "/")
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" || strings.Contains(host, ":") {
		host = net.JoinHostPort(host, port)
		host = strings.TrimSuffix(host, ":")
	}
	return scheme + "://" + host + strings.TrimRight(u.EscapedPath(), "/")
}

// safeName keeps letters, digits, dots and dashes of s, for a file name.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
