package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// addCompletion adds the completion command to app and makes every command
// answer urfave/cli's completion protocol: when the last argument is
// --generate-bash-completion, the command prints, one per line, its
// subcommands and then its flags, and runs nothing. The scripts that
// `kivaconv completion SHELL` prints call it that way and filter the words
// themselves: a word starting with "-" completes flags; any other word
// completes subcommands, or falls back to file names.
//
// The completers read the command they belong to, not os.Args (urfave's
// default ones do), so they work the same in-process and in tests.
//
// urfave/cli ignores the completion flag after "--" (everything after it
// is an argument) and would run the command with the flag as an argument:
// a script completing "kivaconv config init -- " would write a config.
// The app's Before refuses such a command line silently, so that a
// completion request never runs anything.
func addCompletion(app *cli.App, io *IO) {
	app.Commands = append(app.Commands, completionCommand(io))
	app.EnableBashCompletion = true
	app.BashComplete = completer(io, nil)
	before := app.Before
	app.Before = func(c *cli.Context) error {
		if args := c.Args(); args.Len() > 0 && args.Get(args.Len()-1) == completionFlag {
			return reported(exitUsage)
		}
		if before != nil {
			return before(c)
		}
		return nil
	}
	var walk func(cmds []*cli.Command)
	walk = func(cmds []*cli.Command) {
		for _, c := range cmds {
			c.BashComplete = completer(io, c)
			walk(c.Subcommands)
		}
	}
	walk(app.Commands)
}

// completer lists cmd's (nil: the app's) subcommands and flags. With
// KIVACONV_COMPLETE=zsh each word carries its description ("send:post
// reviewed batch folders…"), for zsh's _describe.
func completer(io *IO, cmd *cli.Command) cli.BashCompleteFunc {
	return func(c *cli.Context) {
		subs, flags := c.App.Commands, c.App.Flags
		if cmd != nil {
			subs, flags = cmd.Subcommands, cmd.Flags
		}
		describe := io.Getenv("KIVACONV_COMPLETE") == "zsh"
		word := func(name, usage string) {
			if describe && usage != "" {
				usage = strings.ReplaceAll(strings.Join(strings.Fields(usage), " "), "`", "")
				fmt.Fprintf(c.App.Writer, "%s:%s\n", name, usage)
				return
			}
			fmt.Fprintln(c.App.Writer, name)
		}
		for _, s := range subs {
			// urfave gives every command a "help" subcommand: offering it
			// after "send" would hide the folder names send expects.
			if !s.Hidden && (cmd == nil || s.Name != "help") {
				word(s.Name, s.Usage)
			}
		}
		for _, f := range flags {
			if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
				continue
			}
			usage := ""
			if u, ok := f.(cli.DocGenerationFlag); ok {
				usage = u.GetUsage()
			}
			for _, n := range f.Names() {
				if len(n) == 1 {
					word("-"+n, usage)
				} else {
					word("--"+n, usage)
				}
			}
		}
	}
}

// completionFlag is urfave/cli's completion request: the last argument.
const completionFlag = "--generate-bash-completion"

func completionCommand(io *IO) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or powershell",
		ArgsUsage: "bash|zsh|powershell",
		Description: `Prints a script that completes kivaconv's commands and flags (and file names
where a file is expected) when you press Tab. Install it once per shell:

bash (the first form needs the bash-completion package; mkdir -p the folder):
   kivaconv completion bash > ~/.local/share/bash-completion/completions/kivaconv
   or add to ~/.bashrc:  source <(kivaconv completion bash)

zsh (after compinit in ~/.zshrc):
   kivaconv completion zsh > "${fpath[1]}/_kivaconv"
   or add to ~/.zshrc:  source <(kivaconv completion zsh)

PowerShell (Windows PowerShell 5.1 or PowerShell 7):
   kivaconv completion powershell >> $PROFILE
   or for this session only:  kivaconv completion powershell | Out-String | Invoke-Expression

Open a new shell afterwards. kivaconv must be on the PATH (or typed with its path).

Examples:
   kivaconv completion bash > ~/.local/share/bash-completion/completions/kivaconv
   kivaconv completion zsh > "${fpath[1]}/_kivaconv"
   kivaconv completion powershell >> $PROFILE`,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErrorf("which shell? usage: kivaconv completion bash|zsh|powershell")
			}
			var script string
			switch sh := strings.ToLower(c.Args().First()); sh {
			case "bash":
				script = bashCompletion
			case "zsh":
				script = zshCompletion
			case "powershell", "pwsh":
				script = powershellCompletion
			default:
				return usageErrorf("completion %q: kivaconv has completion for bash, zsh and powershell", c.Args().First())
			}
			_, err := fmt.Fprint(io.Out, script)
			return err
		},
	}
}

// bashCompletion asks kivaconv for the words that fit the current command
// line. A word being typed that starts with "-" is sent as a bare "-" (the
// completer lists every flag; compgen keeps those that match), because
// urfave/cli would treat a partial flag as an unknown flag, and "--" as the
// end of the flags. With no command word to offer, readline falls back to
// file names (-o default).
const bashCompletion = `# bash completion for kivaconv. Install:
#   kivaconv completion bash > ~/.local/share/bash-completion/completions/kivaconv
# or add to ~/.bashrc:
#   source <(kivaconv completion bash)

_kivaconv_complete() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local -a words=("${COMP_WORDS[@]:1:COMP_CWORD-1}")
    local prog=${COMP_WORDS[0]/#\~/$HOME}
    local w
    for w in "${words[@]}"; do
        # After "--" only file names: ask kivaconv nothing.
        [[ $w == -- ]] && return 0
    done
    [[ $cur == -* ]] && words+=(-)
    local out line
    out=$("$prog" "${words[@]}" --generate-bash-completion 2>/dev/null) || return 0
    local -a cands=()
    while IFS= read -r line; do
        [[ -z $line ]] && continue
        if [[ $cur == -* ]]; then
            [[ $line == -* ]] && cands+=("$line")
        else
            [[ $line != -* ]] && cands+=("$line")
        fi
    done <<< "$out"
    COMPREPLY=()
    for w in "${cands[@]}"; do
        [[ $w == "$cur"* ]] && COMPREPLY+=("$w")
    done
    if [[ $cur != -* && ${#cands[@]} -gt 0 && $COMP_CWORD -eq 1 ]]; then
        # First word: a command, or a file to convert (kivaconv FILE).
        compopt -o filenames 2>/dev/null
        local f
        while IFS= read -r f; do
            [[ -n $f ]] && COMPREPLY+=("$f")
        done < <(compgen -f -- "$cur")
    fi
    return 0
}

complete -o default -o bashdefault -F _kivaconv_complete kivaconv kivaconv.exe
`

// zshCompletion works both from fpath (autoloaded as _kivaconv) and when
// sourced (it registers itself with compdef).
const zshCompletion = `#compdef kivaconv kivaconv.exe
# zsh completion for kivaconv. Install (after compinit):
#   kivaconv completion zsh > "${fpath[1]}/_kivaconv"
# or add to ~/.zshrc:
#   source <(kivaconv completion zsh)

_kivaconv() {
    local cur=${words[CURRENT]}
    local -a args lines cmds flags
    args=("${(@)words[2,CURRENT-1]}")
    # After "--" only file names: ask kivaconv nothing.
    if (( ${args[(Ie)--]} )); then
        _files
        return
    fi
    [[ $cur == -* ]] && args+=(-)
    lines=("${(@f)$(KIVACONV_COMPLETE=zsh ${~words[1]} "${(@)args}" --generate-bash-completion 2>/dev/null)}")
    local l
    for l in "${lines[@]}"; do
        [[ -z $l ]] && continue
        if [[ $l == -* ]]; then
            flags+=("$l")
        else
            cmds+=("$l")
        fi
    done
    if [[ $cur == -* ]]; then
        _describe -t flags 'flag' flags
    elif (( ${#cmds} )); then
        _describe -t commands 'command' cmds
        (( CURRENT == 2 )) && _files
    else
        _files
    fi
}

if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
    _kivaconv "$@"
else
    compdef _kivaconv kivaconv kivaconv.exe
fi
`

// powershellCompletion is a native-command argument completer. Returning
// nothing lets PowerShell complete file names.
const powershellCompletion = `# PowerShell completion for kivaconv. Install:
#   kivaconv completion powershell >> $PROFILE
# or for this session only:
#   kivaconv completion powershell | Out-String | Invoke-Expression

Register-ArgumentCompleter -Native -CommandName 'kivaconv', 'kivaconv.exe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $elements = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition })
    $prog = $commandAst.GetCommandName()
    if (-not $prog) { return }
    $argv = @($elements | Select-Object -Skip 1 | ForEach-Object { $_.Extent.Text })
    # After "--" only file names: ask kivaconv nothing.
    if ($argv -contains '--') { return }
    $flag = $wordToComplete -like '-*'
    if ($flag) { $argv += '-' }
    $argv += '--generate-bash-completion'
    $lines = @(& $prog @argv 2>$null)
    $lines | Where-Object {
        $_ -and ($_ -like "$wordToComplete*") -and (($_ -like '-*') -eq $flag)
    } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`
