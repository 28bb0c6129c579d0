package pluginserver

// profileEnv names a directory into which a provider built with the
// scimprofile tag (go build -tags scimprofile) writes, one set per process:
// a CPU profile of its whole run (provider-<pid>-cpu.pprof), heap profiles
// of what is live at its largest heap and at exit (-heap-peak, -heap-exit),
// and -memory.txt, the live heap sampled every two seconds (after a
// collection) with the largest heap and goroutine count seen, then the
// goroutines left at exit. This is how `make bench PROFILE=DIR` (e2ebench
// -profile, which builds with the tag) and a developer profile a plan with
// the real CLI, which starts the provider itself. Unset, nothing is done.
// Sampling collects garbage more often than a normal run does, so time a
// run without it. The shipped binary is built without the tag: it only
// says on stderr that it cannot profile.
const profileEnv = "SCIM_PROVIDER_PROFILE_DIR"
