pub mod kill;
