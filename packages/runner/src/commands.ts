/*
 * Keeps text from outside (check names, URLs, AWS reasons, service events) from being read as
 * a workflow command when it is written to the log. The runner reads a line as a command when,
 * after leading whitespace, it starts with `::` (`::error::…`), or when it contains `##[` anywhere
 * (the legacy form, still honoured: actions/runner ActionCommand.TryParse). Lines are split as
 * .NET's ReadLine splits them: at \n, \r and \r\n.
 */

/**
 * Not whitespace to .NET's TrimStart, and invisible: the text reads as it was written. The
 * runner's StartsWith("::") and IndexOf("##[") compare with culture rules that ignore U+200B,
 * so a marked line may still be taken for a command; but the runner reads the command name
 * from a fixed offset (after the 2 or 3 characters it expected), where it then finds ':' or
 * '[', which names no command, and the line is printed as text. Keep this character in front.
 */
const ZERO_WIDTH_SPACE = '\u200b'

/**
 * A line the runner reads as a `::` command: .NET's TrimStart removes what Char.IsWhiteSpace
 * calls white space, which is JavaScript's \s plus NEL (U+0085); JavaScript's trimStart keeps NEL.
 */
const COMMAND_LINE = /^[\s\u0085]*::/

function neutralizeLine(line: string): string {
  const legacySafe = line.replaceAll('##[', `##${ZERO_WIDTH_SPACE}[`)
  return COMMAND_LINE.test(legacySafe) ? ZERO_WIDTH_SPACE + legacySafe : legacySafe
}

/** `text` with every line that the runner would take for a workflow command made inert. */
export function neutralizeCommands(text: string): string {
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, index) => (index % 2 === 1 ? part : neutralizeLine(part)))
    .join('')
}
