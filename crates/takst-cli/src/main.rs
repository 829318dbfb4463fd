#[allow(dead_code)]
mod danish;
#[allow(dead_code)]
mod dialect;

fn main() {}
