# Reference for iotlabel's RubyGems ordering: RubyGems' own Gem::Version.
# Reads "a<TAB>b" lines from the file named by the first argument and prints -1 / 0 / 1 per line,
# or E when either side is not a valid version.
require 'rubygems'

out = []
File.foreach(ARGV[0], chomp: true) do |line|
  next if line.empty?
  a, b = line.split("\t", 2)
  b ||= ''
  if Gem::Version.correct?(a) && Gem::Version.correct?(b)
    out << (Gem::Version.new(a) <=> Gem::Version.new(b)).to_s
  else
    out << 'E'
  end
end
puts out
