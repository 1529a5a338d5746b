//! Applicability conditions: small boolean predicates over declared product features.
//!
//! EN 303 645 marks provisions "M C" or "R C" when they apply only under a condition ("where
//! passwords are used", "when the device is not constrained"). We write those conditions as
//! expressions such as `constrained and not updatable`, so that the assessment engine can decide
//! applicability from a manufacturer's declaration and say why.
//!
//! The grammar is tiny (identifiers, `and`, `or`, `not`, parentheses), so a hand-written
//! recursive-descent parser is clearer than pulling in a parser generator.

use std::fmt;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// A feature is present.
    Feature(String),
    /// The inner condition does not hold.
    Not(Box<Condition>),
    /// All inner conditions hold.
    And(Vec<Condition>),
    /// At least one inner condition holds.
    Or(Vec<Condition>),
}

/// Why a condition could not be parsed; `offset` is a byte offset into the condition text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at position {offset}")]
pub struct ConditionError {
    /// Byte offset of the problem in the condition text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl Condition {
    /// Parses a condition expression.
    pub fn parse(text: &str) -> Result<Self, ConditionError> {
        let tokens = tokenize(text)?;
        let mut parser = Parser {
            tokens: &tokens,
            pos: 0,
            end: text.len(),
            depth: 0,
        };
        let expr = parser.or()?;
        match parser.peek() {
            None => Ok(expr),
            Some((offset, token)) => Err(ConditionError {
                offset,
                message: format!("unexpected `{token}`"),
            }),
        }
    }

    /// Every feature the condition mentions, in order of appearance.
    pub fn features(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_features(&mut out);
        out
    }

    fn collect_features<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::Feature(f) => out.push(f),
            Condition::Not(c) => c.collect_features(out),
            Condition::And(cs) | Condition::Or(cs) => {
                cs.iter().for_each(|c| c.collect_features(out))
            }
        }
    }

    /// Evaluates with three-valued (Kleene) logic: a feature the caller does not know (`None`)
    /// makes the result unknown only when it could change the outcome.
    pub fn evaluate(&self, feature: &impl Fn(&str) -> Option<bool>) -> Option<bool> {
        match self {
            Condition::Feature(f) => feature(f),
            Condition::Not(c) => c.evaluate(feature).map(|v| !v),
            Condition::And(cs) => {
                let mut unknown = false;
                for c in cs {
                    match c.evaluate(feature) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Condition::Or(cs) => {
                let mut unknown = false;
                for c in cs {
                    match c.evaluate(feature) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn write_child(f: &mut fmt::Formatter<'_>, c: &Condition) -> fmt::Result {
            match c {
                Condition::And(_) | Condition::Or(_) => write!(f, "({c})"),
                _ => write!(f, "{c}"),
            }
        }
        match self {
            Condition::Feature(name) => write!(f, "{name}"),
            Condition::Not(c) => {
                write!(f, "not ")?;
                write_child(f, c)
            }
            Condition::And(cs) | Condition::Or(cs) => {
                let op = if matches!(self, Condition::And(_)) {
                    " and "
                } else {
                    " or "
                };
                for (i, c) in cs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(op)?;
                    }
                    write_child(f, c)?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(s) => f.write_str(s),
            Token::And => f.write_str("and"),
            Token::Or => f.write_str("or"),
            Token::Not => f.write_str("not"),
            Token::Open => f.write_str("("),
            Token::Close => f.write_str(")"),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, ConditionError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' {
            tokens.push((start, Token::Open));
            chars.next();
        } else if c == ')' {
            tokens.push((start, Token::Close));
            chars.next();
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut word = String::new();
            while let Some(&(_, d)) = chars.peek() {
                if d.is_ascii_alphanumeric() || d == '_' {
                    word.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            let token = match word.as_str() {
                "and" => Token::And,
                "or" => Token::Or,
                "not" => Token::Not,
                _ => Token::Ident(word),
            };
            tokens.push((start, token));
        } else {
            return Err(ConditionError {
                offset: start,
                message: format!("unexpected character `{c}`; use feature ids, and, or, not, ( )"),
            });
        }
    }
    Ok(tokens)
}

/// Deepest nesting of `not` and parentheses accepted; real conditions nest two or three deep,
/// and the limit keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 32;

struct Parser<'a> {
    tokens: &'a [(usize, Token)],
    pos: usize,
    end: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<(usize, &Token)> {
        self.tokens.get(self.pos).map(|(o, t)| (*o, t))
    }

    fn or(&mut self) -> Result<Condition, ConditionError> {
        let mut items = vec![self.and()?];
        while matches!(self.peek(), Some((_, Token::Or))) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Condition::Or(items)
        })
    }

    fn and(&mut self) -> Result<Condition, ConditionError> {
        let mut items = vec![self.unary()?];
        while matches!(self.peek(), Some((_, Token::And))) {
            self.pos += 1;
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Condition::And(items)
        })
    }

    fn unary(&mut self) -> Result<Condition, ConditionError> {
        if self.depth >= MAX_DEPTH {
            return Err(ConditionError {
                offset: self.peek().map_or(self.end, |(o, _)| o),
                message: format!("nested more than {MAX_DEPTH} levels deep"),
            });
        }
        self.depth += 1;
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Condition, ConditionError> {
        match self.peek() {
            Some((_, Token::Not)) => {
                self.pos += 1;
                Ok(Condition::Not(Box::new(self.unary()?)))
            }
            Some((_, Token::Open)) => {
                self.pos += 1;
                let inner = self.or()?;
                match self.peek() {
                    Some((_, Token::Close)) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    Some((offset, t)) => Err(ConditionError {
                        offset,
                        message: format!("expected `)`, found `{t}`"),
                    }),
                    None => Err(ConditionError {
                        offset: self.end,
                        message: "missing `)`".into(),
                    }),
                }
            }
            Some((_, Token::Ident(name))) => {
                let name = name.clone();
                self.pos += 1;
                Ok(Condition::Feature(name))
            }
            Some((offset, t)) => Err(ConditionError {
                offset,
                message: format!("expected a feature id, `not` or `(`, found `{t}`"),
            }),
            None => Err(ConditionError {
                offset: self.end,
                message: "expected a feature id, `not` or `(`, found the end".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str, on: &[&str], off: &[&str]) -> Option<bool> {
        let c = Condition::parse(text).unwrap();
        c.evaluate(&|f| {
            if on.contains(&f) {
                Some(true)
            } else if off.contains(&f) {
                Some(false)
            } else {
                None
            }
        })
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let c = Condition::parse("a or b and not c").unwrap();
        assert_eq!(c.to_string(), "a or (b and not c)");
        assert_eq!(eval("a or b and not c", &["b"], &["a", "c"]), Some(true));
        assert_eq!(eval("a or b and not c", &["b", "c"], &["a"]), Some(false));
    }

    #[test]
    fn parentheses_group() {
        assert_eq!(
            Condition::parse("(a or b) and c").unwrap().to_string(),
            "(a or b) and c"
        );
        assert_eq!(
            Condition::parse("constrained and not updatable")
                .unwrap()
                .features(),
            vec!["constrained", "updatable"]
        );
    }

    #[test]
    fn unknown_features_only_matter_when_they_could_change_the_answer() {
        assert_eq!(eval("a and b", &[], &["a"]), Some(false));
        assert_eq!(eval("a and b", &["a"], &[]), None);
        assert_eq!(eval("a or b", &["a"], &[]), Some(true));
        assert_eq!(eval("not a", &[], &[]), None);
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(
            Condition::parse(&deep)
                .unwrap_err()
                .message
                .contains("nested")
        );
        let nots = format!("{}a", "not ".repeat(100_000));
        assert!(Condition::parse(&nots).is_err());
        assert!(Condition::parse("not not (a and (b or not c))").is_ok());
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(Condition::parse("a and").unwrap_err().offset, 5);
        assert_eq!(Condition::parse("a b").unwrap_err().offset, 2);
        assert_eq!(Condition::parse("(a").unwrap_err().message, "missing `)`");
        assert_eq!(Condition::parse("a & b").unwrap_err().offset, 2);
        assert!(Condition::parse("").is_err());
    }
}
