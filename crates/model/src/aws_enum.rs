//! [`aws_enum!`](crate::aws_enum): enums of AWS's string values (states,
//! types), so the spelling AWS uses is written once, next to the variant,
//! and compared as a value everywhere else.

/// Declares an enum whose variants carry AWS's spelling: the enum (with
/// `Debug, Clone, Copy, PartialEq, Eq, Hash`, plus any attributes given),
/// `as_str()` giving the spelling, and `Display` writing it.
///
/// ```
/// xvpc_model::aws_enum! {
///     /// A light.
///     pub enum Light { Red = "red", Green = "green" }
/// }
/// assert_eq!(Light::Red.as_str(), "red");
/// assert_eq!(Light::Green.to_string(), "green");
/// ```
#[macro_export]
macro_rules! aws_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $spelling:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// AWS's spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
