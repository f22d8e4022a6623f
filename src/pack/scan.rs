//! Policy text read before Cedar sees it: the structural limits that keep Cedar's parser
//! and type checker safe, where each policy of a file starts, and the line and column of
//! a place in the text.

/// The deepest bracket nesting (`(`, `[`, `{`) a policy file may have.
const MAX_NESTING: usize = 32;
/// The most operators (`.`, `&&`, `||`, comparisons, arithmetic, `!`, `in`, `has`, `like`,
/// `is`, `if`, brackets) one policy may have: a bound on the depth of its expression.
pub(super) const MAX_OPERATORS: usize = 256;
/// The most `if` expressions one policy may have.
const MAX_IFS: usize = 12;

/// Structural limits checked on policy text before Cedar sees it, as (byte offset,
/// message) of each violation (at most one per policy).
///
/// Cedar 4.14 parses without a stack guard (a few hundred nested brackets overflow a
/// 2 MiB thread stack and abort the process), its type checker gives up silently on very
/// deep expressions (a policy ~900 operators deep passes strict validation unchecked on a
/// 2 MiB stack), and its level validation takes time exponential in the nesting of `if`
/// (26 levels: ten seconds). A rule pack is law made by people: the limits below are far
/// above any real policy and far below those failures.
pub(super) fn structural_limits(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut depth: usize = 0;
    let mut operators: usize = 0;
    let mut ifs: usize = 0;
    let mut reported = false;
    while let Some((i, c)) = chars.next() {
        let mut problem: Option<String> = None;
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                skip_comment(&mut chars);
                continue;
            }
            '"' => {
                skip_string(&mut chars);
                continue;
            }
            '(' | '[' | '{' => {
                depth += 1;
                operators += 1;
                if depth > MAX_NESTING {
                    problem = Some(format!(
                        "brackets nested deeper than {MAX_NESTING} levels; split the condition"
                    ));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                operators = 0;
                ifs = 0;
                reported = false;
            }
            '.' | '!' | '<' | '>' | '=' | '&' | '|' | '+' | '-' | '*' => operators += 1,
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut word = String::from(c);
                while let Some(&(_, n)) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        word.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                match word.as_str() {
                    "if" => {
                        operators += 1;
                        ifs += 1;
                        if ifs > MAX_IFS {
                            problem = Some(format!(
                                "more than {MAX_IFS} `if` expressions in one policy; split it"
                            ));
                        }
                    }
                    "in" | "has" | "like" | "is" => operators += 1,
                    _ => {}
                }
            }
            _ => {}
        }
        if problem.is_none() && operators > MAX_OPERATORS {
            problem = Some(format!(
                "more than {MAX_OPERATORS} operators in one policy; split it into several"
            ));
        }
        if let Some(message) = problem
            && !reported
        {
            found.push((i, format!("policy too complex to check safely: {message}")));
            reported = true;
        }
    }
    found
}

/// Byte offsets where each top-level statement (policy) of a Cedar file starts, skipping
/// comments and strings; statements end at `;` outside brackets.
pub(super) fn statement_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut depth: i64 = 0;
    let mut expecting = true;
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => skip_comment(&mut chars),
            c if c.is_whitespace() => {}
            _ => {
                if expecting {
                    starts.push(i);
                    expecting = false;
                }
                match c {
                    '"' => skip_string(&mut chars),
                    '(' | '{' | '[' => depth += 1,
                    ')' | '}' | ']' => depth -= 1,
                    ';' if depth <= 0 => {
                        expecting = true;
                        depth = 0;
                    }
                    _ => {}
                }
            }
        }
    }
    starts
}

/// Skips the rest of a `//` comment, to the end of its line.
fn skip_comment(chars: &mut impl Iterator<Item = (usize, char)>) {
    for (_, n) in chars {
        if n == '\n' {
            break;
        }
    }
}

/// Skips the rest of a string literal whose opening quote was read, past its closing
/// quote (a quote after a backslash does not close it).
fn skip_string(chars: &mut impl Iterator<Item = (usize, char)>) {
    let mut escaped = false;
    for (_, n) in chars {
        if escaped {
            escaped = false;
        } else if n == '\\' {
            escaped = true;
        } else if n == '"' {
            break;
        }
    }
}

/// 1-based line and column (in characters) of a byte offset, and the line's text.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize, String) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text
        .get(line_start..offset)
        .map_or(0, |s| s.chars().count())
        + 1;
    let line_text = text
        .get(line_start..)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    (line, column, line_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_starts_skip_comments_and_strings() {
        let text = "// a; comment\n@id(\"a;b\")\npermit(principal, action, resource);\n\nforbid (principal, action, resource) when { [1,2].contains(1) };";
        let starts = statement_starts(text);
        assert_eq!(starts.len(), 2);
        assert_eq!(text.get(starts[0]..starts[0] + 3), Some("@id"));
        assert_eq!(text.get(starts[1]..starts[1] + 6), Some("forbid"));
    }

    #[test]
    fn line_col_counts_characters() {
        let (l, c, s) = line_col("ab\nđđx", 7);
        assert_eq!((l, c, s.as_str()), (2, 3, "đđx"));
    }
}
